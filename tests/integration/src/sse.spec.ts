import { Topology, waitFor } from '@books/stack';
import { apiClient } from './support/http';
import { SseClient } from './support/sse';

/** The gateway's Server-Sent Events relay: live events, resume with Last-Event-ID, heartbeats. */
let topology: Topology;
const ORIGIN = 'http://localhost:4200';
const api = apiClient(() => topology.baseUrl);
const clients: SseClient[] = [];

function follow(headers: Record<string, string> = {}): SseClient {
  const client = new SseClient(`${topology.baseUrl}/books/events`, headers);
  clients.push(client);
  return client;
}

beforeAll(async () => {
  topology = await Topology.start({
    name: 'sse',
    replicas: 1,
    // A tiny in-memory buffer, so resuming far back has to replay from JetStream.
    gatewayEnv: { EVENTS_BUFFER_SIZE: '3', SSE_HEARTBEAT_MS: '300', CORS_ORIGINS: ORIGIN },
  });
});
afterEach(() => clients.splice(0).forEach((client) => client.close()));
afterAll(() => topology?.stop());

async function change(bookId: string, title: string) {
  const response = await api(`/books/${bookId}`, { method: 'PATCH', json: { title } });
  expect(response.status).toBe(200);
  return response.body;
}

it('streams each change as it happens, with the stream sequence as id', async () => {
  const client = follow();
  const response = await client.opened;
  expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  expect(response.headers.get('x-accel-buffering')).toBe('no');

  const book = (await api('/books', { method: 'POST', json: { title: 'Live', author: 'Streamer' } })).body;
  await change(book.id, 'Live, changed');
  await api(`/books/${book.id}`, { method: 'DELETE' });

  const messages = await client.take(3);
  expect(messages.map((m) => m.event)).toEqual(['book.created', 'book.updated', 'book.deleted']);
  const ids = messages.map((m) => Number(m.id));
  expect(ids[1]).toBe(ids[0] + 1);
  expect(ids[2]).toBe(ids[1] + 1);
  expect(JSON.parse(messages[1].data)).toMatchObject({ bookId: book.id, version: 2, book: { title: 'Live, changed' } });
});

it('resumes after Last-Event-ID with every missed event and none twice', async () => {
  const book = (await api('/books', { method: 'POST', json: { title: 'Resumable', author: 'Streamer' } })).body;
  const first = follow();
  await first.opened;
  await change(book.id, 'seen 1');
  const [seen] = await first.take(1);
  first.close();

  for (let i = 1; i <= 2; i++) await change(book.id, `missed ${i}`);
  const resumed = follow({ 'last-event-id': seen.id! });
  const missed = await resumed.take(2);
  expect(missed.map((m) => JSON.parse(m.data).book.title)).toEqual(['missed 1', 'missed 2']);
  await change(book.id, 'live again');
  const [next] = await resumed.take(1);
  expect(JSON.parse(next.data).book.title).toBe('live again');
  expect(Number(next.id)).toBe(Number(missed[1].id) + 1);
});

it('replays from JetStream when the client was away longer than the gateway remembers', async () => {
  const book = (await api('/books', { method: 'POST', json: { title: 'Long gone', author: 'Streamer' } })).body;
  const first = follow();
  await first.opened;
  await change(book.id, 'before');
  const [seen] = await first.take(1);
  first.close();

  for (let i = 1; i <= 6; i++) await change(book.id, `away ${i}`);
  const resumed = follow({ 'last-event-id': seen.id! });
  const missed = await resumed.take(6);
  expect(missed.map((m) => JSON.parse(m.data).book.title)).toEqual(['away 1', 'away 2', 'away 3', 'away 4', 'away 5', 'away 6']);
  const ids = missed.map((m) => Number(m.id));
  expect(ids).toEqual(Array.from({ length: 6 }, (_, i) => Number(seen.id) + 1 + i));
});

it('keeps an idle stream alive with heartbeat comments', async () => {
  const response = await fetch(`${topology.baseUrl}/books/events`);
  const reader = response.body!.getReader();
  let text = '';
  while (!text.includes(': heartbeat')) text += new TextDecoder().decode((await reader.read()).value);
  await reader.cancel();
  expect(text).toMatch(/^retry: \d+\n\n/);
});

it('sends the security, CORS and rate limit headers on the stream, like on every other response', async () => {
  const response = await follow({ origin: ORIGIN }).opened;
  expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
  expect(response.headers.get('access-control-allow-origin')).toBe(ORIGIN);
  expect(response.headers.get('x-request-id')).toBeTruthy();
  // Set by a Fastify hook with reply.header(), which a hijacked reply used to drop.
  expect(response.headers.get('x-ratelimit-limit')).toBeTruthy();
});

it('counts a stream out of http_requests_in_flight when its client closes it', async () => {
  // The scrape itself is in flight while it is answered, so the idle value is 1.
  const inFlight = async () => Number(/^http_requests_in_flight (\d+)$/m.exec(await (await fetch(`${topology.gateway.url}/metrics`)).text())![1]);
  const idle = await waitFor('no request in flight', async () => (await inFlight()) === 1 && 1);
  const streams = Array.from({ length: 5 }, () => follow());
  await Promise.all(streams.map((stream) => stream.opened));
  expect(await inFlight()).toBe(idle + 5);
  streams.forEach((stream) => stream.close());
  await waitFor('the closed streams to leave http_requests_in_flight', async () => (await inFlight()) === idle, { timeoutMs: 5_000 });
});
