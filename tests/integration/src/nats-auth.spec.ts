import { type NatsConnection, connect } from '@nats-io/transport-node';
import { DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { BOOK_EVENTS_STREAM, BookEventSubjects, BooksSubjects } from '@books/contracts';
import { Topology } from '@books/stack';
import { apiClient } from './support/http';
import { SseClient } from './support/sse';

/**
 * NATS lets in only the topology's users, each with what it needs (deploy/nats/permissions.conf,
 * the file docker-compose.yml's NATS uses too): only the books-service publishes events and
 * answers requests; the gateway sends requests and reads the stream.
 */
let topology: Topology;
const api = apiClient(() => topology.baseUrl);
const connections: NatsConnection[] = [];

async function connectAs(role: 'books-service' | 'gateway' | 'reader'): Promise<NatsConnection> {
  const nc = await connect({ ...topology.natsOptions(role), name: `nats-auth-test-${role}` });
  connections.push(nc);
  return nc;
}

async function lastSequence(): Promise<number> {
  return (await (await jetstreamManager(await connectAs('reader'))).streams.info(BOOK_EVENTS_STREAM)).state.last_seq;
}

/** Subscribes and waits for the server's verdict: undefined when allowed, else its error. */
async function trySubscribe(nc: NatsConnection, subject: string, queue?: string): Promise<Error | undefined> {
  const subscription = nc.subscribe(subject, { queue });
  await nc.flush();
  const closed = await Promise.race([subscription.closed, nc.flush().then(() => 'open' as const)]);
  subscription.unsubscribe();
  return closed === 'open' ? undefined : (closed ?? undefined);
}

beforeAll(async () => {
  topology = await Topology.start({ name: 'nats-auth', replicas: 1 });
});
afterAll(async () => {
  await Promise.all(connections.map((nc) => nc.close()));
  await topology?.stop();
});

it('refuses a connection without a user, or with a wrong password', async () => {
  await expect(connect({ servers: topology.natsUrl, maxReconnectAttempts: 0 })).rejects.toThrow(/authorization violation/i);
  const { user } = topology.natsOptions('gateway');
  await expect(connect({ servers: topology.natsUrl, user, pass: 'not-the-password', maxReconnectAttempts: 0 })).rejects.toThrow(/authorization violation/i);
});

it("refuses an event published with the gateway's credentials, and stores nothing", async () => {
  const before = await lastSequence();
  const nc = await connectAs('gateway');
  const event = JSON.stringify({ type: 'book.updated' });
  await expect(jetstream(nc).publish(BookEventSubjects.updated, event, { timeout: 2_000 })).rejects.toThrow(/permissions violation/i);
  // A plain publish is refused too: the server reports it on the connection, which stays up.
  const errors: string[] = [];
  void (async () => {
    for await (const status of nc.status()) if (status.type === 'error') errors.push(status.error.message);
  })();
  nc.publish(BookEventSubjects.updated, event);
  await nc.flush();
  expect(await lastSequence()).toBe(before);
  expect(errors.join('\n')).toMatch(/permissions violation for publish to "books\.v1\.events\.updated"/i);
  expect(nc.isClosed()).toBe(false);
});

it("refuses the gateway's and the reader's credentials to answer books requests", async () => {
  for (const role of ['gateway', 'reader'] as const) {
    const error = await trySubscribe(await connectAs(role), BooksSubjects.get, 'books-service');
    expect(error?.message).toMatch(/permissions violation for subscription/i);
  }
  expect(await trySubscribe(await connectAs('books-service'), BooksSubjects.ping, 'books-service')).toBeUndefined();
});

it("refuses an event published with the reader's credentials", async () => {
  await expect(jetstream(await connectAs('reader')).publish(BookEventSubjects.deleted, '{}', { timeout: 2_000 })).rejects.toThrow(
    /permissions violation/i,
  );
});

it('works end to end with each app on its own credentials', async () => {
  const events = new SseClient(`${topology.baseUrl}/books/events`);
  try {
    await events.opened;
    const created = await api('/books', { method: 'POST', json: { title: 'Authorized', author: 'Permitted' } });
    expect(created.status).toBe(201);
    const [message] = await events.take(1);
    expect(JSON.parse(message.data)).toMatchObject({ type: 'book.created', bookId: created.body.id });
    expect((await api(`/books/${created.body.id}`)).body.title).toBe('Authorized');
    // The reader follows the stream like the example subscriber does.
    const js = jetstream(await connectAs('reader'));
    const consumer = await js.consumers.get(BOOK_EVENTS_STREAM, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: Number(message.id) });
    const stored = await consumer.next({ expires: 5_000 });
    expect(stored?.json()).toMatchObject({ bookId: created.body.id });
  } finally {
    events.close();
  }
});
