import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { BooksServiceConfig } from '../config/books-service.config';
import { BooksCommitter } from '../books/books.committer';
import { BooksRepository } from '../books/books.repository';
import { BookEventsPublisher } from './book-events.publisher';
import { type Intent, OutboxIntents } from './outbox.intents';

/**
 * Finishes the changes whose writer did not: a replica killed after committing, a database
 * or NATS failure in the middle of a commit round. Every replica runs it, over the outbox in
 * NATS (never over the database's change history), so its work is proportional to what is
 * pending. The work is idempotent — applying checks the book's version, publishing is
 * de-duplicated by event id — so no leader is needed.
 *
 * - This replica's own outbox entries whose round has ended are finished at once.
 * - Another replica's entries are taken over once that replica has not written its key for
 *   OUTBOX_GRACE_MS (it died, or is stuck); an unapplied change is applied only once
 *   OUTBOX_APPLY_GRACE_MS have passed, since a writer that is only slow could still apply it.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  constructor(
    private readonly config: BooksServiceConfig,
    private readonly repository: BooksRepository,
    private readonly publisher: BookEventsPublisher,
    private readonly outbox: OutboxIntents,
    private readonly committer: BooksCommitter,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.OUTBOX_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /** One pass; concurrent calls share the pass in progress. */
  sweep(): Promise<void> {
    // A pass that hangs (say, a NATS call across a reconnect) must not hold up every later one.
    const limit = Math.max(10 * this.config.OUTBOX_INTERVAL_MS, 10_000);
    this.sweeping ??= Promise.race([
      this.relay(),
      sleep(limit, undefined, { ref: false }).then(() => Promise.reject(new Error(`no result within ${limit} ms`))),
    ])
      .catch((error: unknown) => this.logger.warn(`Relay pass failed: ${(error as Error).message}`))
      .finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  /** Each part on its own: a timeout in one (NATS or the database busy) does not skip the others. */
  private async relay(): Promise<void> {
    await this.attempt('finishing its own abandoned changes', async () => {
      const abandoned = this.outbox.ownIntents().filter((intent) => !this.committer.isInRound(intent.eventId));
      if (abandoned.length === 0) return;
      const done = await this.finish(abandoned, true);
      await this.outbox.remove(done);
      this.logger.log(`Finished ${done.length} of ${abandoned.length} change(s) its own commit rounds left`);
    });
    await this.attempt('writing its outbox key', () => this.outbox.heartbeat());
    await this.attempt("finishing dead replicas' changes", async () => {
      const now = Date.now();
      for (const entry of await this.outbox.others()) {
        const silentFor = now - entry.written.getTime();
        if (silentFor < this.config.OUTBOX_GRACE_MS) continue;
        const done = await this.finish(entry.intents, silentFor >= this.config.OUTBOX_APPLY_GRACE_MS);
        if (done.length === entry.intents.length) {
          await this.outbox.release(entry).catch(() => undefined); // it wrote again meanwhile: it is alive
          this.logger.log(`Finished the ${done.length} change(s) replica ${entry.key} left unpublished`);
        }
      }
    });
  }

  private async attempt(what: string, work: () => Promise<void>): Promise<void> {
    const limit = Math.max(3 * this.config.OUTBOX_INTERVAL_MS, 3_000);
    try {
      await Promise.race([work(), sleep(limit, undefined, { ref: false }).then(() => Promise.reject(new Error(`no result within ${limit} ms`)))]);
    } catch (error) {
      this.logger.warn(`Relay: ${what} failed, next pass in ${this.config.OUTBOX_INTERVAL_MS} ms: ${(error as Error).message}`);
    }
  }

  /**
   * Publishes each committed change of the list, oldest version of a book first, applying it
   * first when it is not (and `mayApply`). Returns the event ids of those that need nothing more.
   */
  private async finish(intents: Intent[], mayApply: boolean): Promise<string[]> {
    const done: string[] = [];
    const stuck = new Set<string>();
    for (const intent of [...intents].sort(byBookThenVersion)) {
      const bookId = intent.id.slice(0, intent.id.lastIndexOf(':'));
      if (stuck.has(bookId)) continue; // a book's later versions wait for its earlier ones
      try {
        if (await this.finishOne(intent, mayApply)) done.push(intent.eventId);
        else stuck.add(bookId);
      } catch (error) {
        stuck.add(bookId);
        this.logger.warn(`Relay: could not finish ${intent.id} yet: ${(error as Error).message}`);
      }
    }
    return done;
  }

  /** True once the change needs nothing more (published, or not this writer's to publish). */
  private async finishOne(intent: Intent, mayApply: boolean): Promise<boolean> {
    const change = await this.repository.findChange(intent.id);
    if (!change || change.eventId !== intent.eventId) return true; // never committed, or another writer's
    if (!(await this.repository.isApplied(change))) {
      if (!mayApply) return false;
      await this.repository.apply([change]);
    }
    await this.publisher.publish([change]);
    return true;
  }
}

export function byBookThenVersion(a: Intent, b: Intent): number {
  const [bookA, versionA] = splitChangeId(a.id);
  const [bookB, versionB] = splitChangeId(b.id);
  return bookA === bookB ? versionA - versionB : bookA < bookB ? -1 : 1;
}

function splitChangeId(id: string): [string, number] {
  const at = id.lastIndexOf(':');
  return [id.slice(0, at), Number(id.slice(at + 1))];
}
