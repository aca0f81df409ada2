import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BookEvent } from '@books/contracts';
import type { OwnedBook } from '../load/catalogue';
import { versionFromEtag } from '../load/http-load';
import { type SseMessage, SseClient } from '../load/sse-client';
import { LatencyRecorder } from '../measure/latency';
import type { BenchContext, Outcome, ScenarioDefinition } from './scenario';
import { ensureOwnedBooks, ownedBookBody, syncOwnedVersions } from './writes';

/** How long to wait for the last events after the last PUT answered. */
const STRAGGLER_WAIT_MS = 10_000;

interface Change {
  sentAt: number;
  respondedAt?: number;
  eventAt?: number;
}

/**
 * Changes made by PUT (with If-Match) and matched, by bookId and version, to the SSE message
 * that announces each one, read through Nginx like a browser does.
 */
class EventLatencyProbe {
  readonly afterResponse = new LatencyRecorder();
  readonly afterRequest = new LatencyRecorder();
  readonly put = new LatencyRecorder();
  private readonly changes = new Map<string, Change>();
  eventsFirst = 0;
  failedPuts = 0;
  statusCodes: Record<string, number> = {};

  constructor(private readonly ctx: BenchContext) {}

  onEvent(message: SseMessage): void {
    let event: BookEvent;
    try {
      event = JSON.parse(message.data) as BookEvent;
    } catch {
      return;
    }
    const change = this.changes.get(`${event.bookId}:${event.version}`);
    if (!change || change.eventAt !== undefined) return;
    change.eventAt = message.receivedAt;
    this.settle(`${event.bookId}:${event.version}`, change);
  }

  /** `writers` loops, each PUTting its own book, until `count` changes were made or `until` passed. */
  async write(books: OwnedBook[], limit: { count?: number; until?: number }): Promise<number> {
    let issued = 0;
    const more = () => (limit.count === undefined || issued < limit.count) && (limit.until === undefined || performance.now() < limit.until);
    const writer = async (book: OwnedBook) => {
      while (more()) {
        issued++;
        await this.change(book);
      }
    };
    await Promise.all(books.map(writer));
    return issued;
  }

  /** Waits until every successful change has its event, or the wait is over; returns how many are missing. */
  async awaitEvents(timeoutMs: number): Promise<number> {
    const deadline = performance.now() + timeoutMs;
    while (this.pending() > 0 && performance.now() < deadline) await sleep(20);
    const missing = this.pending();
    this.changes.clear();
    return missing;
  }

  private pending(): number {
    let count = 0;
    for (const change of this.changes.values()) if (change.eventAt === undefined) count++;
    return count;
  }

  private async change(book: OwnedBook): Promise<void> {
    const next = book.version + 1;
    const key = `${book.id}:${next}`;
    const change: Change = { sentAt: performance.now() };
    this.changes.set(key, change);
    const response = await fetch(`${this.ctx.target.webUrl}/api/books/${book.id}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'if-match': `"${book.version}"` },
      body: JSON.stringify(ownedBookBody(this.ctx, book, next)),
    });
    await response.arrayBuffer();
    const respondedAt = performance.now();
    this.statusCodes[response.status] = (this.statusCodes[response.status] ?? 0) + 1;
    const version = versionFromEtag(response.headers.get('etag'));
    if (response.status !== 200 || version !== next) {
      this.failedPuts++;
      this.changes.delete(key);
      book.version = await this.ctx.api.version(book.id);
      return;
    }
    book.version = version;
    change.respondedAt = respondedAt;
    this.put.record(respondedAt - change.sentAt);
    this.settle(key, change);
  }

  private settle(key: string, change: Change): void {
    if (change.eventAt === undefined || change.respondedAt === undefined) return;
    if (change.eventAt < change.respondedAt) this.eventsFirst++;
    this.afterResponse.record(change.eventAt - change.respondedAt);
    this.afterRequest.record(change.eventAt - change.sentAt);
    this.changes.delete(key);
  }
}

async function withProbe<T>(ctx: BenchContext, use: (probe: EventLatencyProbe, sse: SseClient) => Promise<T>): Promise<T> {
  const probe = new EventLatencyProbe(ctx);
  const sse = await SseClient.connect(`${ctx.target.webUrl}/api/books/events`, (message) => probe.onEvent(message));
  try {
    return await use(probe, sse);
  } finally {
    sse.close();
  }
}

function writers(ctx: BenchContext): OwnedBook[] {
  return ctx.owned.slice(0, ctx.options.eventWriters);
}

export const eventsScenario: ScenarioDefinition = {
  name: 'events',
  description: 'PUT (If-Match) → matching SSE message (bookId + version) at a client on /api/books/events through Nginx',
  unit: 'changes',
  warmUp: async (ctx) => {
    await ensureOwnedBooks(ctx);
    await withProbe(ctx, async (probe) => {
      await probe.write(writers(ctx), { until: performance.now() + ctx.options.warmupS * 1000 });
      const missing = await probe.awaitEvents(STRAGGLER_WAIT_MS);
      if (probe.afterResponse.count === 0) throw new Error(`No event arrived over SSE during the warm-up (${missing} missing)`);
    });
  },
  measure: (ctx) =>
    withProbe(ctx, async (probe, sse): Promise<Outcome> => {
      const started = performance.now();
      const changes = await probe.write(writers(ctx), { count: ctx.options.eventChanges });
      const durationS = (performance.now() - started) / 1000;
      const missing = await probe.awaitEvents(STRAGGLER_WAIT_MS);
      const notes: string[] = [];
      if (sse.failure) notes.push(`The SSE stream failed: ${sse.failure.message}`);
      return {
        operations: changes,
        durationS: Math.round(durationS * 1000) / 1000,
        latency: probe.afterResponse.summary(),
        errors: { non2xx: probe.failedPuts, socket: sse.failure ? 1 : 0, other: missing },
        statusCodes: probe.statusCodes,
        extra: {
          writers: writers(ctx).length,
          missingEvents: missing,
          eventBeforePutResponse: probe.eventsFirst,
          putSentToEventMs: probe.afterRequest.summary(),
          putRoundTripMs: probe.put.summary(),
        },
        notes,
      };
    }),
  cleanUp: (ctx) => syncOwnedVersions(ctx),
};
