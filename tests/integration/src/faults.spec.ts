import { Topology, waitFor } from '@books/stack';
import { apiClient } from './support/http';
import { SteadyLoad } from './support/load';
import { eventsOf, readAllEvents } from './support/stream';

/**
 * Faults under steady read and write load on three replicas: a rolling restart, a replica
 * killed with SIGKILL, NATS restarted, the gateway stopped. Each test states what clients
 * may see and checks that nothing was lost or written twice.
 */
let topology: Topology;
const api = apiClient(() => topology.baseUrl);
const report: Record<string, unknown> = {};

beforeAll(async () => {
  topology = await Topology.start({
    name: 'faults',
    replicas: 3,
    gatewayEnv: { RATE_LIMIT_MAX: '0' },
    serviceEnv: { OUTBOX_GRACE_MS: '500', OUTBOX_INTERVAL_MS: '250' },
  });
});
afterAll(async () => {
  console.log(`Fault test numbers (failed requests by status): ${JSON.stringify(report, statusCounts, 2)}`);
  await topology?.stop();
});

/** Prints a list of failed statuses as how many of each, e.g. `{ "503": 52 }`. */
function statusCounts(_key: string, value: unknown): unknown {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'number')) return value;
  return Object.fromEntries([...Map.groupBy(value, (status) => status)].map(([status, all]) => [status, all.length]));
}

/** A book per worker, so workers' unconditional writes do not contend with each other. */
async function booksFor(run: string, workers: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: workers }, async (_, worker) => {
      const response = await api('/books', { method: 'POST', json: { title: `${run} worker ${worker}`, author: 'Load' } });
      return response.body.id as string;
    }),
  );
}

/** Reads and unconditional writes, as an interactive user and a script would make them. */
function mixedLoad(books: string[]): SteadyLoad {
  return new SteadyLoad(books.length, async (worker, i) => {
    if (i % 4 === 3) {
      const response = await api(`/books/${books[worker]}`, { method: 'PATCH', json: { score: i % 11 } });
      return { kind: 'write', status: response.status };
    }
    const response = i % 2 ? await api(`/books/${books[worker]}`) : await api('/books?limit=8&sort=-updatedAt');
    return { kind: 'read', status: response.status };
  });
}

function summary(load: SteadyLoad) {
  const count = (kind: string) => load.outcomes.filter((o) => o.kind === kind).length;
  const failed = (kind: string) => load.failures.filter((o) => o.kind === kind).map((o) => o.status);
  return { reads: count('read'), writes: count('write'), failedReads: failed('read'), failedWrites: failed('write') };
}

async function expectEveryChangePublished(books: string[]): Promise<void> {
  for (const id of books) {
    const { version } = (await api(`/books/${id}`)).body;
    await waitFor(`every change of ${id} to be published`, async () => eventsOf(await readAllEvents(topology.natsOptions()), id).length === version);
    const versions = eventsOf(await readAllEvents(topology.natsOptions()), id).map((e) => e.event.version);
    expect(versions).toEqual(Array.from({ length: version }, (_, i) => i + 1));
  }
}

it('serves every request while the replicas restart one by one', async () => {
  const books = await booksFor('rolling', 6);
  const load = mixedLoad(books);
  await load.completes(100);
  for (const replica of topology.services) {
    await replica.process.stop();
    await load.completes(50);
    await replica.process.start();
    await load.completes(50);
  }
  await load.stop();
  report['rollingRestart'] = summary(load);
  expect(load.failures).toEqual([]);
  await expectEveryChangePublished(books);
});

it('keeps reads whole and writes exactly-once when a replica is killed with SIGKILL', async () => {
  const books = await booksFor('killed', 4);
  const load = mixedLoad(books);
  // Creates that retry with the same Idempotency-Key, as a careful client does after a 503/504.
  const keyed: string[] = [];
  const creates = new SteadyLoad(2, async (worker, i) => {
    const key = `kill-${worker}-${i}`;
    keyed.push(key);
    let status = 0;
    for (let attempt = 0; attempt < 3 && (status === 0 || status >= 500); attempt++) {
      status = (await api('/books', { method: 'POST', json: { title: key, author: 'Keyed' }, headers: { 'idempotency-key': key } })).status;
    }
    return { kind: 'create', status };
  });
  await load.completes(100);
  await topology.services[0].process.kill();
  await load.completes(150);
  await topology.services[0].process.start();
  await load.completes(50);
  await Promise.all([load.stop(), creates.stop()]);

  report['sigkill'] = { ...summary(load), creates: creates.outcomes.length, failedCreates: creates.failures.length };
  expect(summary(load).failedReads).toEqual([]);
  // A write that was in flight on the killed replica has an unknown outcome: 504, safe to retry.
  expect(summary(load).failedWrites.every((status) => status === 503 || status === 504)).toBe(true);
  expect(creates.failures).toEqual([]);
  const stored = await api(`/books?q=kill-&limit=100`);
  const titles: string[] = [];
  for (let offset = 0; offset < stored.body.total; offset += 100) {
    titles.push(...(await api(`/books?q=kill-&limit=100&offset=${offset}`)).body.items.map((book: { title: string }) => book.title));
  }
  expect(titles.sort()).toEqual([...new Set(keyed)].sort());
  await expectEveryChangePublished(books);
});

it('fails fast while NATS is down and recovers within seconds, losing no event', async () => {
  const books = await booksFor('nats', 4);
  const load = mixedLoad(books);
  await load.completes(100);
  const nats = topology.nats!.process;
  await nats.stop();
  const down = performance.now();
  await load.completes(40);
  const restarted = performance.now();
  await nats.start();
  const upAt = performance.now();
  await waitFor('ten successes in a row', () => load.outcomes.length >= 10 && load.outcomes.slice(-10).every((o) => o.status < 400), {
    timeoutMs: 20_000,
  });
  const recovered = performance.now();
  await load.completes(50);
  await load.stop();

  const duringOutage = load.outcomes.filter((o) => o.status >= 500);
  report['natsRestart'] = {
    ...summary(load),
    outageMs: Math.round(restarted - down),
    natsStartMs: Math.round(upAt - restarted),
    recoveryAfterNatsUpMs: Math.round(recovered - upAt),
    slowestFailureMs: Math.round(Math.max(...duringOutage.map((o) => o.ms))),
  };
  expect(duringOutage.length).toBeGreaterThan(0);
  expect(duringOutage.every((o) => o.status === 503 || o.status === 504)).toBe(true);
  // Once the gateway knows NATS is gone it answers at once; only requests already in flight wait out their deadline.
  expect(duringOutage.filter((o) => o.ms < 100).length).toBeGreaterThan(duringOutage.length / 2);
  expect(recovered - upAt).toBeLessThan(5_000);
  await expectEveryChangePublished(books);
});

it('finishes requests in flight when the gateway is stopped, and refuses new ones', async () => {
  const replicas = topology.services.map((service) => service.process);
  replicas.forEach((replica) => replica.pause());
  // A search nobody made before, so the gateway's cache cannot answer it.
  const inFlight = api(`/books?limit=1&q=${Math.random().toString(36).slice(2)}`);
  await waitFor('the request to reach the gateway', async () => {
    const metrics = await (await fetch(`${topology.gateway.url}/metrics`)).text();
    return /^http_requests_in_flight (\d+)/m.exec(metrics)?.[1] === '2';
  });
  const stopping = topology.gateway.process.stop();
  await waitFor('the gateway to stop listening', async () => {
    const refused = await fetch(`${topology.baseUrl}/health/live`).then(
      () => false,
      () => true,
    );
    return refused;
  });
  replicas.forEach((replica) => replica.resume());
  expect((await inFlight).status).toBe(200);
  // Nest re-raises SIGTERM once it has closed cleanly; a SIGKILL would mean it hung past the grace period.
  expect(await stopping).toEqual({ code: null, signal: 'SIGTERM' });
  await topology.gateway.process.start();
});
