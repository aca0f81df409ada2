import { setTimeout as sleep } from 'node:timers/promises';
import type { BookInput } from '@books/contracts';
import { type OwnedBook, mapConcurrently } from '../load/catalogue';
import { type HttpRequest, headerOf, versionFromEtag } from '../load/http-load';
import { LIST_PATH, SEARCH_PATH, getRequest } from './reads';
import { type BenchContext, type ScenarioDefinition, httpOutcome, loadThroughNginx } from './scenario';

const AUTHOR = 'Bench Harness';

/** Connections of the pure write scenarios. */
const writers = (ctx: BenchContext) => ({ connections: ctx.options.writeConnections });

/** The body of the n-th write to a book: the title always changes, so every PUT is a real change. */
export function ownedBookBody(ctx: BenchContext, book: OwnedBook, version: number): BookInput {
  return { title: `Bench ${ctx.runId} owned c${book.owner} v${version}`, author: AUTHOR, year: 2000 + (version % 25), score: version % 11, read: version % 2 === 0 };
}

/** One book per connection, which only that connection writes. Untimed. */
export async function ensureOwnedBooks(ctx: BenchContext): Promise<void> {
  const wanted = Math.max(ctx.options.connections, ctx.options.writeConnections, ctx.options.eventWriters);
  if (ctx.owned.length >= wanted) return;
  const created = await mapConcurrently(
    Array.from({ length: wanted - ctx.owned.length }, (_, i) => ctx.owned.length + i),
    8,
    async (owner) => {
      const book = { id: '', version: 1, owner };
      const made = await ctx.api.create(ownedBookBody(ctx, book, 1), `bench-${ctx.runId}-owned-${owner}`);
      return { id: made.id, version: made.version, owner };
    },
  );
  ctx.owned.push(...created);
  ctx.log(`  created ${created.length} books for the write scenarios (one per connection)`);
}

/**
 * Re-reads the version of every owned book. Needed after each run: autocannon stops with
 * requests in flight, whose changes the server still commits but whose ETags nobody read.
 */
export async function syncOwnedVersions(ctx: BenchContext): Promise<void> {
  await sleep(1_000);
  await mapConcurrently(ctx.owned, 8, async (book) => void (book.version = await ctx.api.version(book.id)));
}

/**
 * PUT with If-Match on the connection's own book, tracking its version from each ETag.
 * When the version may be wrong (a PUT failed, or its response never arrived because the
 * connection was recycled), the next request is a GET that re-reads it instead.
 */
export function updateRequest(ctx: BenchContext, book: OwnedBook): HttpRequest {
  let stale = false;
  let awaiting: 'put' | 'get' | undefined;
  return {
    method: 'PUT',
    setupRequest: (request) => {
      if (awaiting) stale = true;
      awaiting = stale ? 'get' : 'put';
      if (stale) return { ...request, method: 'GET', path: `/api/books/${book.id}`, headers: {}, body: undefined };
      return {
        ...request,
        method: 'PUT',
        path: `/api/books/${book.id}`,
        headers: { 'content-type': 'application/json', 'if-match': `"${book.version}"` },
        body: JSON.stringify(ownedBookBody(ctx, book, book.version + 1)),
      };
    },
    onResponse: (status, _body, _context, headers) => {
      const version = versionFromEtag(headerOf(headers, 'etag'));
      if (status === 200 && version !== undefined) {
        book.version = version;
        stale = false;
      } else if (awaiting === 'put') {
        stale = true;
      }
      awaiting = undefined;
    },
  };
}

export const createScenario: ScenarioDefinition = (() => {
  const createdIds: string[] = [];
  const requestsFor = (ctx: BenchContext, phase: string) => (connection: number): HttpRequest[] => {
    let n = 0;
    return [
      {
        method: 'POST',
        setupRequest: (request) => {
          n++;
          const key = `bench-${ctx.runId}-${phase}-c${connection}-n${n}`;
          const book: BookInput = { title: `Bench ${ctx.runId} new ${phase} c${connection} n${n}`, author: AUTHOR, year: 1990 + (n % 30), score: n % 11, read: false };
          return { ...request, method: 'POST', path: '/api/books', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(book) };
        },
        onResponse: (status, _body, _context, headers) => {
          const location = headerOf(headers, 'location');
          if (status === 201 && location) createdIds.push(location.slice(location.lastIndexOf('/') + 1));
        },
      },
    ];
  };
  return {
    name: 'create',
    description: 'POST /api/books, a new title and Idempotency-Key on every request',
    unit: 'requests',
    warmUp: async (ctx) => void (await loadThroughNginx(ctx, ctx.options.warmupS, requestsFor(ctx, 'warm'), writers(ctx))),
    measure: async (ctx) => httpOutcome(await loadThroughNginx(ctx, ctx.options.durationS, requestsFor(ctx, 'run'), writers(ctx))),
    // Keeps the catalogue at its size before the run, so later scenarios read the same amount.
    cleanUp: async (ctx) => {
      const started = Date.now();
      await sleep(1_000);
      const ids = createdIds.splice(0);
      await mapConcurrently(ids, ctx.options.writeConnections, (id) => ctx.api.delete(id, 1));
      // Creates cut off when autocannon stopped were committed, but their ids never read.
      const stragglers = await ctx.api.deleteMatching(`bench ${ctx.runId} new`, ctx.options.writeConnections);
      ctx.log(`  deleted the ${ids.length + stragglers} books create made (${((Date.now() - started) / 1000).toFixed(1)} s, untimed)`);
    },
  };
})();

export const updateScenario: ScenarioDefinition = {
  name: 'update',
  description: 'PUT /api/books/<id> with If-Match; each connection updates its own book, versions tracked from ETags',
  unit: 'requests',
  warmUp: async (ctx) => {
    await ensureOwnedBooks(ctx);
    await loadThroughNginx(ctx, ctx.options.warmupS, (c) => [updateRequest(ctx, ctx.owned[c])], writers(ctx));
    await syncOwnedVersions(ctx);
  },
  measure: async (ctx) => httpOutcome(await loadThroughNginx(ctx, ctx.options.durationS, (c) => [updateRequest(ctx, ctx.owned[c])], writers(ctx))),
  cleanUp: (ctx) => syncOwnedVersions(ctx),
};

/** Ten requests per cycle: 3 list, 3 search, 3 get, 1 update; each connection starts at a different one. */
function mixedRequests(ctx: BenchContext, connection: number): HttpRequest[] {
  const get = getRequest(ctx.sampleIds, connection, ctx.options.connections);
  const cycle: HttpRequest[] = [
    { method: 'GET', path: LIST_PATH },
    get,
    { method: 'GET', path: SEARCH_PATH },
    { method: 'GET', path: LIST_PATH },
    get,
    { method: 'GET', path: SEARCH_PATH },
    updateRequest(ctx, ctx.owned[connection]),
    { method: 'GET', path: LIST_PATH },
    get,
    { method: 'GET', path: SEARCH_PATH },
  ];
  const start = connection % cycle.length;
  return [...cycle.slice(start), ...cycle.slice(0, start)];
}

export const mixedScenario: ScenarioDefinition = {
  name: 'mixed',
  description: '90 % reads (list, search, get in equal parts) and 10 % updates with If-Match',
  unit: 'requests',
  warmUp: async (ctx) => {
    await ensureOwnedBooks(ctx);
    await loadThroughNginx(ctx, ctx.options.warmupS, (c) => mixedRequests(ctx, c));
    await syncOwnedVersions(ctx);
  },
  measure: async (ctx) => httpOutcome(await loadThroughNginx(ctx, ctx.options.durationS, (c) => mixedRequests(ctx, c))),
  cleanUp: (ctx) => syncOwnedVersions(ctx),
};

/** Deletes the owned books at the end of a run. Untimed. */
export async function deleteOwnedBooks(ctx: BenchContext): Promise<void> {
  await mapConcurrently(ctx.owned.splice(0), ctx.options.writeConnections, (book) => ctx.api.delete(book.id, book.version));
}
