import { type HttpApp, Topology, startGateway } from '@books/stack';
import { apiClient } from './support/http';
import { SseClient } from './support/sse';

/**
 * The gateway's read cache, kept fresh by the event stream. Two gateways share the system:
 * writes go through one, reads through the other, whose only news of the writes is the
 * event stream. It must never serve a book older than the last event it has seen.
 */
let topology: Topology;
let writer: HttpApp;
const reader = apiClient(() => topology.baseUrl);
const write = apiClient(() => `${writer.url}/api`);

beforeAll(async () => {
  topology = await Topology.start({ name: 'read-cache', replicas: 2, gatewayEnv: { RATE_LIMIT_MAX: '0' } });
  writer = await startGateway({ natsUrl: topology.natsUrl, logDir: topology.logDir, env: { ...topology.natsEnv('gateway'), RATE_LIMIT_MAX: '0' } });
});
afterAll(async () => {
  await writer?.process.stop();
  await topology?.stop();
});

async function cacheCount(result: 'hit' | 'miss'): Promise<number> {
  const metrics = await (await fetch(`${topology.gateway.url}/metrics`)).text();
  return [...metrics.matchAll(new RegExp(`^gateway_read_cache_lookups_total\\{kind="\\w+",result="${result}"\\} (\\d+)`, 'gm'))].reduce(
    (sum, match) => sum + Number(match[1]),
    0,
  );
}

it('answers repeated reads from the cache', async () => {
  const hits = await cacheCount('hit');
  for (let i = 0; i < 5; i++) expect((await reader('/books?limit=8')).status).toBe(200);
  expect(await cacheCount('hit')).toBeGreaterThanOrEqual(hits + 4);
});

it('serves the new version once it has seen the event of a change made elsewhere', async () => {
  const book = (await write('/books', { method: 'POST', json: { title: 'Cached', author: 'Reader' } })).body;
  const events = new SseClient(`${topology.baseUrl}/books/events`);
  await events.opened;
  expect((await reader(`/books/${book.id}`)).body.version).toBe(1);
  expect((await reader(`/books/${book.id}`)).body.version).toBe(1);

  for (let version = 2; version <= 6; version++) {
    await write(`/books/${book.id}`, { method: 'PATCH', json: { score: version } });
    // The reading gateway has now relayed the event, so it has seen it.
    const [message] = await events.take(1);
    expect(JSON.parse(message.data)).toMatchObject({ bookId: book.id, version });
    const [one, page] = await Promise.all([reader(`/books/${book.id}`), reader(`/books?q=Cached`)]);
    expect(one.body).toMatchObject({ version, score: version });
    expect(page.body.items[0]).toMatchObject({ version, score: version });
  }
  events.close();
});

it('never answers with a version older than an event it had already relayed, under concurrent writes and reads', async () => {
  const book = (await write('/books', { method: 'POST', json: { title: 'Racing', author: 'Reader' } })).body;
  const events = new SseClient(`${topology.baseUrl}/books/events`);
  await events.opened;
  let seen = 1;
  let writing = true;
  const writes = (async () => {
    for (let i = 0; i < 30; i++) await write(`/books/${book.id}`, { method: 'PATCH', json: { title: `Racing ${i}` } });
    writing = false;
  })();
  const stale: string[] = [];
  const observe = (messages: Array<{ data: string }>) => {
    for (const message of messages) seen = Math.max(seen, JSON.parse(message.data).version);
  };
  const check = async () => {
    // Everything relayed so far: the reading gateway has seen at least these versions.
    const floor = seen;
    const [one, page] = await Promise.all([reader(`/books/${book.id}`), reader('/books?q=Racing')]);
    if (one.body.version < floor) stale.push(`book v${one.body.version} after event v${floor}`);
    if (page.body.items[0].version < floor) stale.push(`list v${page.body.items[0].version} after event v${floor}`);
  };
  let rounds = 0;
  while (writing) {
    observe(events.drain());
    await check();
    rounds++;
  }
  await writes;
  // However far the relay lagged behind the writes, once the last event is out both reads show it.
  while (seen < 31) observe(await events.take(1));
  await check();
  events.close();
  expect(rounds).toBeGreaterThan(5);
  expect(stale).toEqual([]);
});

it('reads its own writes without waiting for the event', async () => {
  const book = (await reader('/books', { method: 'POST', json: { title: 'Mine', author: 'Reader' } })).body;
  expect((await reader(`/books/${book.id}`)).body.version).toBe(1);
  for (let version = 2; version <= 5; version++) {
    expect((await reader(`/books/${book.id}`, { method: 'PATCH', json: { score: version } })).status).toBe(200);
    expect((await reader(`/books/${book.id}`)).body.version).toBe(version);
    expect((await reader('/books?q=Mine')).body.items[0].version).toBe(version);
  }
});
