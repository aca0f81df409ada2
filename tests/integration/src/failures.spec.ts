import { Topology, waitFor } from '@books/stack';
import { apiClient } from './support/http';

/**
 * The failure paths a client can see: no replica (503), a replica that hangs (504), the
 * database down (503), and recovery from each, with short deadlines so failures are fast.
 * Requests use fresh searches: the gateway may answer repeated reads from its cache.
 */
let topology: Topology;
const api = apiClient(() => topology.baseUrl);
const PROBLEM = 'application/problem+json; charset=utf-8';

beforeAll(async () => {
  topology = await Topology.start({
    name: 'failures',
    replicas: 1,
    gatewayEnv: { NATS_REQUEST_TIMEOUT_MS: '1000' },
    serviceEnv: { DB_TIMEOUT_MS: '500' },
  });
});
afterAll(() => topology?.stop());

/** A read the gateway cannot answer from its cache: a search nobody made before. */
const fresh = () => `/books?limit=1&q=${Math.random().toString(36).slice(2)}`;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const result = await work();
  return [result, performance.now() - start];
}

it('answers 504 when the only replica hangs, and recovers when it resumes', async () => {
  const replica = topology.services[0].process;
  replica.pause();
  try {
    const [response, elapsed] = await timed(() => api(fresh()));
    expect(response.status).toBe(504);
    expect(response.headers.get('content-type')).toBe(PROBLEM);
    expect(response.body.type).toContain('gateway-timeout');
    expect(elapsed).toBeGreaterThanOrEqual(900);
    expect(elapsed).toBeLessThan(3_000);
  } finally {
    replica.resume();
  }
  expect((await api(fresh())).status).toBe(200);
});

it('answers 503 at once when no replica runs, and is not ready', async () => {
  const replica = topology.services[0].process;
  await replica.stop();
  const [response, elapsed] = await timed(() => api(fresh()));
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe('1');
  expect(response.body.type).toContain('service-unavailable');
  expect(elapsed).toBeLessThan(500);
  expect((await api('/health/ready')).status).toBe(503);
  expect((await api('/health/live')).status).toBe(200);
  await replica.start();
  expect((await api(fresh())).status).toBe(200);
});

it('keeps answering reads while the database is down, answers writes 503, and recovers with no write lost or half-done', async () => {
  const book = (await api('/books', { method: 'POST', json: { title: 'Before the outage', author: 'x' } })).body;
  const database = topology.mongo!.process;
  await database.stop();
  let created: number;
  try {
    // Reads come from each replica's in-memory catalogue: the database is not on their path.
    expect((await api(fresh())).status).toBe(200);
    expect((await api(`/books/${book.id}`)).body.title).toBe('Before the outage');
    const [update, elapsed] = await timed(() => api(`/books/${book.id}`, { method: 'PATCH', json: { read: true } }));
    expect([503, 504]).toContain(update.status);
    expect(update.body.detail).toMatch(/database|saved/i);
    expect(elapsed).toBeLessThan(3_500);
    // A create either never got in (503: nothing stored) or was committed before the database
    // went away (201: the outbox finishes it once the database is back). Never anything else.
    const during = await api('/books', { method: 'POST', json: { title: 'During', author: 'x' } });
    expect([201, 503]).toContain(during.status);
    created = during.status === 201 ? 1 : 0;
    expect((await api('/health/ready')).status).toBe(503);
  } finally {
    await database.start();
  }
  const recovered = await api(`/books/${book.id}`);
  expect(recovered.status).toBe(200);
  await waitFor('the catalogue to hold exactly what was acknowledged', async () => (await api('/books?q=During')).body.total === created);
  // Readiness is checked once a second, so it may say not-ready for up to a second longer.
  await waitFor('readiness', async () => (await api('/health/ready')).status === 200, { timeoutMs: 3_000 });
});
