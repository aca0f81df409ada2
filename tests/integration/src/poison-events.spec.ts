import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { BOOK_EVENTS_STREAM, BookEventSubjects } from '@books/contracts';
import { ManagedProcess, Topology, WORKSPACE_ROOT } from '@books/stack';
import { apiClient } from './support/http';
import { SseClient } from './support/sse';

/**
 * Messages on the event subjects that are not book events (anyone allowed to publish there
 * can send them): every consumer in the gateway skips, counts and logs them, and keeps going,
 * live and when a client replays over them.
 */
let topology: Topology;
const api = apiClient(() => topology.baseUrl);
const clients: SseClient[] = [];
const poison: number[] = [];

function follow(headers: Record<string, string> = {}): SseClient {
  const client = new SseClient(`${topology.baseUrl}/books/events`, headers);
  clients.push(client);
  return client;
}

/** Publishes a raw payload into the stream as the books-service could; returns its sequence. */
async function publishRaw(subject: string, payload: string | Uint8Array): Promise<number> {
  const nc = await connect(topology.natsOptions('books-service'));
  try {
    return (await jetstream(nc).publish(subject, payload)).seq;
  } finally {
    await nc.close();
  }
}

async function skippedCount(): Promise<number> {
  const metrics = await (await fetch(`${topology.gateway.url}/metrics`)).text();
  return [...metrics.matchAll(/^gateway_events_invalid_total\{[^}]*\} (\d+)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
}

beforeAll(async () => {
  topology = await Topology.start({ name: 'poison-events', replicas: 1 });
});
afterEach(() => clients.splice(0).forEach((client) => client.close()));
afterAll(() => topology?.stop());

it('skips null and garbage, counts and logs them, and relays the next good event', async () => {
  const pid = topology.gateway.process.pid;
  const live = follow();
  await live.opened;
  const book = (await api('/books', { method: 'POST', json: { title: 'Poisoned', author: 'Nobody' } })).body;
  // A read cached now must not survive the poison (the cache cannot tell which book it was about).
  expect((await api(`/books/${book.id}`)).status).toBe(200);
  await live.take(1);

  poison.push(await publishRaw(BookEventSubjects.updated, 'null'));
  poison.push(await publishRaw(BookEventSubjects.updated, new Uint8Array([0xff, 0x00, 0x7b, 0x22])));
  poison.push(await publishRaw(BookEventSubjects.deleted, JSON.stringify({ type: 'book.deleted', bookId: book.id })));
  const changed = await api(`/books/${book.id}`, { method: 'PATCH', json: { title: 'Still here' } });
  expect(changed.status).toBe(200);

  const [next] = await live.take(1);
  expect(Number(next.id)).toBe(poison[2] + 1);
  expect(JSON.parse(next.data)).toMatchObject({ bookId: book.id, version: 2, book: { title: 'Still here' } });
  expect(live.pending).toBe(0);

  expect(topology.gateway.process.running).toBe(true);
  expect(topology.gateway.process.pid).toBe(pid);
  expect((await api('/health/ready')).status).toBe(200);
  expect((await api(`/books/${book.id}`)).body).toMatchObject({ version: 2, title: 'Still here' });
  expect(await skippedCount()).toBe(3);
  const log = readFileSync(topology.gateway.process.spec.logFile, 'utf8');
  for (const seq of poison) expect(log).toContain(`Skipped stream sequence ${seq} `);
});

it('lets the example subscriber skip and report them too, and print the events around them', async () => {
  const log = join(topology.logDir, 'book-events-subscriber.log');
  const printed = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');
  const subscriber = new ManagedProcess({
    name: 'book-events-subscriber',
    command: 'npm',
    args: ['run', '--silent', 'events', '--', '--from', String(poison[0] - 1)],
    cwd: WORKSPACE_ROOT,
    env: topology.natsEnv('reader'),
    logFile: log,
    ready: async () => printed().includes(`#${poison[2] + 1} `),
  });
  await subscriber.start();
  try {
    expect(printed()).toContain(`#${poison[0] - 1} `);
    for (const seq of poison) expect(printed()).toMatch(new RegExp(`Skipped #${seq} on books\\.v1\\.events\\.\\w+: not a book event`));
    expect(subscriber.running).toBe(true);
  } finally {
    await subscriber.stop();
  }
});

it('replays over the poison from Last-Event-ID: 0, every good event once and in order', async () => {
  // A restarted gateway remembers no event: the whole replay comes from the stream, poison included.
  await topology.gateway.process.restart();
  const pid = topology.gateway.process.pid;
  const nc = await connect(topology.natsOptions());
  const { last_seq } = (await (await jetstreamManager(nc)).streams.info(BOOK_EVENTS_STREAM)).state;
  await nc.close();

  const replay = follow({ 'last-event-id': '0' });
  const messages = await replay.take(last_seq - poison.length);
  const ids = messages.map((message) => Number(message.id));
  expect(ids).toEqual(Array.from({ length: last_seq }, (_, i) => i + 1).filter((seq) => !poison.includes(seq)));
  expect(JSON.parse(messages.at(-1)!.data)).toMatchObject({ version: 2, book: { title: 'Still here' } });

  // The replay continues live.
  const book = (await api('/books', { method: 'POST', json: { title: 'After the replay', author: 'Nobody' } })).body;
  const [created] = await replay.take(1);
  expect(JSON.parse(created.data)).toMatchObject({ bookId: book.id, type: 'book.created' });
  expect(topology.gateway.process.pid).toBe(pid);
  expect(await skippedCount()).toBe(3);
});
