import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Topology, waitFor } from '@books/stack';
import { apiClient } from './support/http';
import { eventsOf, readAllEvents } from './support/stream';

/** One request id finds a request everywhere; every app explains itself in logs and metrics. */
let topology: Topology;
const api = apiClient(() => topology.baseUrl);

beforeAll(async () => {
  topology = await Topology.start({ name: 'observability', replicas: 2 });
});
afterAll(() => topology?.stop());

/** The JSON lines an app has logged so far. */
function logLines(name: string): Record<string, unknown>[] {
  return readFileSync(join(topology.logDir, `${name}.log`), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const serviceLines = () => topology.services.flatMap((service) => logLines(service.process.name));

it('follows one request id from HTTP through NATS into the service logs and the event', async () => {
  const requestId = `trace-${Date.now()}`;
  const created = await api('/books', { method: 'POST', json: { title: 'Traced', author: 'Observer' }, headers: { 'x-request-id': requestId } });
  expect(created.status).toBe(201);
  expect(created.headers.get('x-request-id')).toBe(requestId);

  const gatewayLine = await waitFor('the gateway to log the request', () => logLines('gateway').find((line) => line['requestId'] === requestId));
  expect(gatewayLine).toMatchObject({
    level: 'info',
    service: 'gateway',
    req: { method: 'POST', path: '/api/books' },
    res: { status: 201 },
    durationMs: expect.any(Number),
    time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
  });

  const serviceLine = await waitFor('a replica to log the request', () => serviceLines().find((line) => line['requestId'] === requestId));
  expect(serviceLine).toMatchObject({ service: 'books-service', subject: 'books.v1.create', outcome: 'ok', durationMs: expect.any(Number) });

  const [event] = eventsOf(await readAllEvents(topology.natsOptions()), created.body.id);
  expect(event.event.requestId).toBe(requestId);
});

it('logs failures with their outcome, at info for client errors and error for its own', async () => {
  const requestId = `missing-${Date.now()}`;
  await api('/books/00000000-0000-4000-8000-000000000000', { headers: { 'x-request-id': requestId } });
  const gatewayLine = await waitFor('the 404 line', () => logLines('gateway').find((line) => line['requestId'] === requestId));
  expect(gatewayLine).toMatchObject({ level: 'info', res: { status: 404 } });
  const serviceLine = await waitFor('the service line', () => serviceLines().find((line) => line['requestId'] === requestId));
  expect(serviceLine).toMatchObject({ level: 'info', outcome: 'NOT_FOUND' });
  // Every line of every app is JSON: nothing unstructured slips through.
  for (const name of ['gateway', ...topology.services.map((service) => service.process.name)]) {
    const text = readFileSync(join(topology.logDir, `${name}.log`), 'utf8').trim().split('\n');
    expect(text.filter((line) => !line.startsWith('{') && !/^\(node:\d+\)|^\(Use `node/.test(line))).toEqual([]);
  }
});

it('exposes Prometheus metrics on the gateway and each replica, outside /api', async () => {
  await api('/books?limit=1');
  const gateway = await (await fetch(`${topology.gateway.url}/metrics`)).text();
  expect(gateway).toMatch(/^http_request_duration_seconds_count\{method="GET",route="\/api\/books",status="200"\} \d+/m);
  expect(gateway).toMatch(/^http_requests_in_flight \d+/m);
  expect(gateway).toMatch(/^rpc_client_duration_seconds_bucket\{le="[^"]+",subject="books.v1.list",outcome="ok"\} \d+/m);
  expect(gateway).toMatch(/^process_resident_memory_bytes \d+/m);
  expect((await api('/metrics')).status).toBe(404);

  // Each replica exposes its own metrics; which replica handled the create above is up to the queue group.
  const replicas = await Promise.all(topology.services.map(async (service) => (await fetch(`${service.url}/metrics`)).text()));
  for (const service of replicas) {
    expect(service).toMatch(/^rpc_server_in_flight \d+/m);
    expect(service).toMatch(/^book_events_unpublished 0$/m);
    expect(service).toMatch(/^book_event_publish_lag_seconds_count \d+/m);
    expect(service).toMatch(/^db_command_duration_seconds_count\{command="find",outcome="ok"\} [1-9]\d*/m);
  }
  const all = replicas.join('\n');
  expect(all).toMatch(/^rpc_server_duration_seconds_count\{subject="books.v1.create",outcome="ok"\} [1-9]\d*/m);
  expect(all).toMatch(/^book_events_published_total\{type="book.created"\} [1-9]\d*/m);
});
