import { Topology } from '@books/stack';
import { apiClient } from './support/http';

/** The sample books appear once, however many replicas start at once or restart. */
let topology: Topology;
const api = apiClient(() => topology.baseUrl);

beforeAll(async () => {
  topology = await Topology.start({ name: 'seeding', replicas: 3 });
});
afterAll(() => topology?.stop());

it('seeds the 42 sample books once when three replicas start together on an empty database', async () => {
  const { body } = await api('/books?limit=100');
  expect(body.total).toBe(42);
  expect(new Set(body.items.map((book: any) => `${book.title}|${book.author}`)).size).toBe(42);
  expect(body.items.every((book: any) => book.version === 1)).toBe(true);
});

it('neither duplicates nor brings back deleted samples after restarts', async () => {
  const victim = (await api('/books?limit=1')).body.items[0];
  expect((await api(`/books/${victim.id}`, { method: 'DELETE' })).status).toBe(204);
  for (const service of topology.services) await service.process.restart();
  const { body } = await api('/books?limit=100');
  expect(body.total).toBe(41);
  expect(body.items.map((book: any) => book.id)).not.toContain(victim.id);
});
