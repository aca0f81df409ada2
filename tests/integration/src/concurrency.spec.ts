import { Topology } from '@books/stack';
import { apiClient } from './support/http';

/** Races across two books-service replicas sharing one queue group. */
let topology: Topology;
const api = apiClient(() => topology.baseUrl);

beforeAll(async () => {
  topology = await Topology.start({ name: 'concurrency', replicas: 2 });
});
afterAll(() => topology?.stop());

async function createBook(title: string) {
  const { status, body } = await api('/books', { method: 'POST', json: { title, author: 'Race Tester' } });
  expect(status).toBe(201);
  return body;
}

it('shares requests between the replicas', async () => {
  // Each replica counts the list requests it handled; distinct pages miss the gateway's cache.
  for (let i = 0; i < 40; i++) expect((await api(`/books?limit=1&offset=${i}`)).status).toBe(200);
  for (const service of topology.services) {
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    expect([service.process.name, metrics]).toEqual([service.process.name, expect.stringMatching(/^rpc_server_duration_seconds_count\{[^}]*books\.v1\.list[^}]*\} [1-9]/m)]);
  }
});

it('lets exactly one of several writers with the same If-Match win, every time', async () => {
  const book = await createBook('Contested');
  for (let round = 0; round < 8; round++) {
    const version = round + 1;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, writer) =>
        api(`/books/${book.id}`, { method: 'PATCH', json: { title: `round ${round} writer ${writer}` }, headers: { 'if-match': `"${version}"` } }),
      ),
    );
    const winners = results.filter((result) => result.status === 200);
    expect(winners).toHaveLength(1);
    expect(results.filter((result) => result.status === 412)).toHaveLength(7);
    const stored = await api(`/books/${book.id}`);
    expect(stored.body.version).toBe(version + 1);
    expect(stored.body.title).toBe(winners[0].body.title);
  }
});

it('applies 100 concurrent unconditional PUTs to one book one after another: every one succeeds, none is lost', async () => {
  const book = await createBook('Counter');
  const bodies = Array.from({ length: 100 }, (_, i) => ({ title: `change ${i}`, author: 'Race Tester', year: 1900 + i, score: i % 11, read: i % 2 === 0 }));
  const results = await Promise.all(bodies.map((json) => api(`/books/${book.id}`, { method: 'PUT', json })));
  // A writer that asked for no condition never hears of the others: no 409, no 412.
  expect(results.map((result) => result.status)).toEqual(bodies.map(() => 200));
  const versions = results.map((result) => result.body.version).sort((a, b) => a - b);
  expect(versions).toEqual(Array.from({ length: 100 }, (_, i) => i + 2));
  const stored = (await api(`/books/${book.id}`)).body;
  expect(stored.version).toBe(101);
  // The book ends as one of the 100 bodies: the one whose write got the last version.
  const last = results.find((result) => result.body.version === 101)?.body;
  expect(stored).toMatchObject({ title: last.title, year: last.year, score: last.score, read: last.read });
  expect(bodies).toContainEqual(expect.objectContaining({ title: stored.title, year: stored.year }));
});

it('creates one book for concurrent retries with the same Idempotency-Key', async () => {
  const before = (await api('/books?q=Retried%20Creation')).body.total;
  const key = `concurrent-${Date.now()}`;
  const results = await Promise.all(
    Array.from({ length: 10 }, () =>
      api('/books', { method: 'POST', json: { title: 'Retried Creation', author: 'Impatient Client' }, headers: { 'idempotency-key': key } }),
    ),
  );
  const created = results.filter((result) => result.status === 201);
  expect(results.every((result) => result.status === 201 || result.status === 409)).toBe(true);
  expect(created.length).toBeGreaterThan(0);
  expect(new Set(created.map((result) => result.body.id)).size).toBe(1);
  expect((await api('/books?q=Retried%20Creation')).body.total).toBe(before + 1);
});

it('creates every book of a concurrent burst without keys', async () => {
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => createBook(`Burst ${i}`)));
  expect(new Set(results.map((book) => book.id)).size).toBe(20);
  expect((await api('/books?q=Burst&limit=100')).body.total).toBe(20);
});
