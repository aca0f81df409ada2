import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { MongoClient } from 'mongodb';
import { Kvm } from '@nats-io/kv';
import { BOOK_EVENTS_STREAM, BookEventSchema, OUTBOX_BUCKET, bookEventSubject } from '@books/contracts';
import { ManagedProcess, TcpProxy, Topology, WORKSPACE_ROOT, waitFor } from '@books/stack';
import { apiClient } from './support/http';
import { eventsOf, readAllEvents } from './support/stream';

/**
 * The book event stream: one event per committed change, in version order per book,
 * de-duplicated, and published even when the writer dies or NATS is away at that moment.
 */
let topology: Topology;
const api = apiClient(() => topology.baseUrl);

beforeAll(async () => {
  topology = await Topology.start({
    name: 'events',
    replicas: 2,
    // A short grace period makes the relay take over unfinished changes within a second.
    serviceEnv: { OUTBOX_GRACE_MS: '300', OUTBOX_APPLY_GRACE_MS: '1500', OUTBOX_INTERVAL_MS: '200' },
  });
});
afterAll(() => topology?.stop());

async function createBook(title: string) {
  const response = await api('/books', { method: 'POST', json: { title, author: 'Event Author' } });
  expect(response.status).toBe(201);
  return response.body;
}

const versionsOf = async (bookId: string) => eventsOf(await readAllEvents(topology.natsOptions()), bookId).map((e) => e.event.version);

it('publishes one event per change, with the version and the state after it', async () => {
  const book = await createBook('Evented');
  const updated = (await api(`/books/${book.id}`, { method: 'PATCH', json: { score: 7 }, headers: { 'x-request-id': 'trace-update-1' } })).body;
  await api(`/books/${book.id}`, { method: 'DELETE' });

  const events = eventsOf(await readAllEvents(topology.natsOptions()), book.id);
  expect(events.map((e) => [e.event.type, e.event.version])).toEqual([
    ['book.created', 1],
    ['book.updated', 2],
    ['book.deleted', 3],
  ]);
  for (const { event, msgId } of events) {
    expect(BookEventSchema.parse(event)).toEqual(event);
    expect(msgId).toBe(event.eventId);
  }
  expect(events[0].event.book).toEqual(book);
  expect(events[1].event.book).toEqual(updated);
  expect(events[1].event.requestId).toBe('trace-update-1');
  expect(events[2].event.book).toBeNull();
  expect(new Set(events.map((e) => e.event.eventId)).size).toBe(3);
});

it('publishes nothing for requests that changed nothing', async () => {
  const book = await createBook('Unchanged');
  const statuses = [
    (await api(`/books/${book.id}`, { method: 'PATCH', json: { score: 11 } })).status,
    (await api(`/books/${book.id}`, { method: 'PATCH', json: { score: 1 }, headers: { 'if-match': '"9"' } })).status,
    (await api(`/books/${book.id}`, { method: 'PATCH', json: { title: 'Unchanged' } })).status,
  ];
  expect(statuses).toEqual([400, 412, 200]);
  expect(await versionsOf(book.id)).toEqual([1]);
});

it('keeps each book in version order when two replicas take concurrent changes', async () => {
  const book = await createBook('Ordered');
  const results = await Promise.all(
    Array.from({ length: 16 }, (_, i) => api(`/books/${book.id}`, { method: 'PATCH', json: { title: `Ordered ${i}` } })),
  );
  const final = (await api(`/books/${book.id}`)).body.version;
  const winners = results.filter((r) => r.status === 200);
  // 409 (gave up under contention) is the only other answer; it must not be every answer.
  expect(results.filter((r) => r.status !== 200 && r.status !== 409)).toEqual([]);
  expect(winners.length).toBeGreaterThan(0);
  expect(winners.map((r) => r.body.version).sort((a, b) => a - b)).toEqual(Array.from({ length: winners.length }, (_, i) => i + 2));
  expect(final).toBe(winners.length + 1);
  expect(await versionsOf(book.id)).toEqual(Array.from({ length: final }, (_, i) => i + 1));
});

it('drops a re-published event as a duplicate', async () => {
  const book = await createBook('Once only');
  const [stored] = eventsOf(await readAllEvents(topology.natsOptions()), book.id);
  // Only the books-service may publish events.
  const nc = await connect(topology.natsOptions('books-service'));
  try {
    const ack = await jetstream(nc).publish(bookEventSubject(stored.event.type), JSON.stringify(stored.event), { msgID: stored.event.eventId });
    expect(ack.duplicate).toBe(true);
    expect(ack.seq).toBe(stored.seq);
  } finally {
    await nc.close();
  }
  expect(await versionsOf(book.id)).toEqual([1]);
});

it('publishes the event of a change whose writer was killed between applying and publishing', async () => {
  const book = await createBook('Writer dies');
  // A third replica that talks to NATS through a relay we can freeze, and is the only one serving.
  const proxy = await TcpProxy.start({ host: '127.0.0.1', port: topology.nats!.port });
  const doomed = await topology.addReplica(3, `nats://127.0.0.1:${proxy.port}`);
  const [first, second] = topology.services;
  await Promise.all([first.process.stop(), second.process.stop()]);

  const mongo = new MongoClient(topology.mongoUrl);
  try {
    // Its outbox entry reaches NATS, then everything from the event's publish on is held back.
    proxy.freezeClientToServerAt(`PUB ${bookEventSubject('book.updated')}`);
    const pending = api(`/books/${book.id}`, { method: 'PATCH', json: { read: true } });
    // Committed and applied, but its event and its reply are stuck in the frozen relay.
    await waitFor('the change to be written', () => mongo.db().collection('books').findOne({ _id: book.id as never, version: 2 }));
    await doomed.process.kill();
    topology.services.pop();
    expect((await pending).status).toBe(504);
    expect(await versionsOf(book.id)).toEqual([1]);

    await Promise.all([first.process.start(), second.process.start()]);
    await waitFor('the relay to publish the orphaned change', async () => (await versionsOf(book.id)).length === 2);
    expect(await versionsOf(book.id)).toEqual([1, 2]);
  } finally {
    await mongo.close();
    await proxy.stop();
  }
});

it('finishes a change whose writer died right after committing it', async () => {
  const book = await createBook('Committed, never applied');
  // What a writer leaves behind when it dies between commit and apply: its outbox entry in
  // NATS, listing the change, and the change record; the book itself still at version 1.
  const mongo = new MongoClient(topology.mongoUrl);
  const nc = await connect(topology.natsOptions('books-service'));
  try {
    const changes = mongo.db().collection('book_changes');
    const created = await changes.findOne({ _id: `${book.id}:1` as never });
    const occurredAt = new Date();
    const eventId = randomUUID();
    await changes.insertOne({
      ...created,
      _id: `${book.id}:2` as never,
      version: 2,
      type: 'updated',
      eventId,
      occurredAt,
      book: { ...created!['book'], version: 2, score: 9, updatedAt: occurredAt },
    });
    const outbox = await new Kvm(nc).open(OUTBOX_BUCKET);
    await outbox.put('dead-replica', JSON.stringify([{ id: `${book.id}:2`, eventId }]));

    await waitFor('the relay to apply and publish it', async () => (await versionsOf(book.id)).length === 2);
    expect((await api(`/books/${book.id}`)).body).toMatchObject({ version: 2, score: 9 });
    await waitFor('the dead replica\'s outbox to be released', async () => (await outbox.get('dead-replica'))?.operation === 'DEL');
  } finally {
    await nc.close();
    await mongo.close();
  }
});

it('publishes every successful change made around a NATS restart, each once', async () => {
  const book = await createBook('Outage');
  const nats = topology.nats!.process;
  const outcomes: number[] = [];
  const succeeded: number[] = [];
  let writing = true;
  const writer = (async () => {
    for (let i = 0; writing; i++) {
      const response = await api(`/books/${book.id}`, { method: 'PATCH', json: { title: `Outage ${i}` } });
      outcomes.push(response.status);
      if (response.status === 200) succeeded.push(response.body.version);
    }
  })();

  await waitFor('some writes before the outage', () => succeeded.length >= 5);
  await nats.stop();
  await waitFor('writes to fail while NATS is down', () => outcomes.slice(-3).every((status) => status === 503));
  await nats.start();
  await waitFor('writes to succeed again', () => outcomes.slice(-5).length === 5 && outcomes.slice(-5).every((status) => status === 200), {
    timeoutMs: 15_000,
  });
  writing = false;
  await writer;

  const final = (await api(`/books/${book.id}`)).body.version;
  // After a NATS restart JetStream can take several seconds to answer again on a loaded machine.
  await waitFor('every committed change to be published', async () => (await versionsOf(book.id)).length >= final, { timeoutMs: 30_000 });
  const versions = await versionsOf(book.id);
  expect(versions).toEqual(Array.from({ length: final }, (_, i) => i + 1));
  expect(succeeded.every((version) => versions.includes(version))).toBe(true);
  expect(outcomes.every((status) => [200, 503, 504].includes(status))).toBe(true);
});

it('declares the stream with de-duplication and retention', async () => {
  const nc = await connect(topology.natsOptions());
  try {
    const { config } = await (await jetstreamManager(nc)).streams.info(BOOK_EVENTS_STREAM);
    expect(config.subjects).toEqual(['books.v1.events.>']);
    expect(config.duplicate_window).toBeGreaterThanOrEqual(120 * 1e9);
    expect(config.max_age).toBe(720 * 3600 * 1e9);
  } finally {
    await nc.close();
  }
});

it('prints events with the example subscriber, replaying from a sequence', async () => {
  const book = await createBook('Seen by the example');
  const [created] = eventsOf(await readAllEvents(topology.natsOptions()), book.id);
  const subscriber = new ManagedProcess({
    name: 'book-events-subscriber',
    command: 'npm',
    args: ['run', '--silent', 'events', '--', '--from', String(created.seq)],
    cwd: WORKSPACE_ROOT,
    env: topology.natsEnv('reader'),
    logFile: join(topology.logDir, 'book-events-subscriber.log'),
    ready: async () => readFileSync(join(topology.logDir, 'book-events-subscriber.log'), 'utf8').includes(`#${created.seq} `),
  });
  await subscriber.start();
  try {
    await api(`/books/${book.id}`, { method: 'PATCH', json: { read: true } });
    await waitFor('the subscriber to print the update', () => subscriber.tail(5).includes(`book.updated ${book.id} v2 "Seen by the example"`));
    expect(subscriber.tail(10)).toContain(`#${created.seq} ${created.event.occurredAt} book.created ${book.id} v1 "Seen by the example"`);
  } finally {
    await subscriber.stop();
  }
});
