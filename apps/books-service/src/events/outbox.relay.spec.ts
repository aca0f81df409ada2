import { toBookDocument } from '../books/book.document';
import { fakeWorld, testConfig } from '../books/testing/fake-world';
import { byBookThenVersion } from './outbox.relay';

const input = { title: 'Alas, Babylon', author: 'Pat Frank', year: 1959, score: 8, read: false };

/** A committed change a dead replica left: its record, listed in its outbox, maybe applied. */
async function leftByDeadReplica(world: ReturnType<typeof fakeWorld>, { applied, silentForMs }: { applied: boolean; silentForMs: number }) {
  const book = await world.service.create({ book: input });
  const current = world.repository.books.get(book.id)!;
  const next = toBookDocument(book.id, { ...current, score: 2 }, 2, current.createdAt, new Date());
  const change = { _id: `${book.id}:2`, bookId: book.id, version: 2, type: 'updated' as const, eventId: 'dead-2', occurredAt: next.updatedAt, book: next };
  world.repository.changes.set(change._id, change);
  if (applied) world.repository.books.set(book.id, next);
  world.outbox.entries = [{ key: 'dead', revision: 7, written: new Date(Date.now() - silentForMs), intents: [{ id: change._id, eventId: 'dead-2' }] }];
  return book;
}

describe('OutboxRelay', () => {
  it("publishes a dead replica's applied change once the grace period is over, and releases its outbox", async () => {
    const world = fakeWorld();
    const book = await leftByDeadReplica(world, { applied: true, silentForMs: testConfig.OUTBOX_GRACE_MS + 1 });
    await world.relay.sweep();
    expect(world.publisher.stream.filter((change) => change.bookId === book.id).map((change) => change.version)).toEqual([1, 2]);
    expect(world.outbox.entries).toEqual([]);
  });

  it('leaves a replica alone within the grace period: it may only be slow', async () => {
    const world = fakeWorld();
    await leftByDeadReplica(world, { applied: true, silentForMs: 10 });
    await world.relay.sweep();
    expect(world.publisher.stream).toHaveLength(1);
    expect(world.outbox.entries).toHaveLength(1);
  });

  it('applies an unapplied change only after the apply grace period, then publishes it', async () => {
    const world = fakeWorld();
    const book = await leftByDeadReplica(world, { applied: false, silentForMs: testConfig.OUTBOX_GRACE_MS + 1 });
    await world.relay.sweep();
    expect(world.repository.books.get(book.id)?.version).toBe(1);
    expect(world.publisher.stream).toHaveLength(1);

    world.outbox.entries[0].written = new Date(Date.now() - testConfig.OUTBOX_APPLY_GRACE_MS - 1);
    await world.relay.sweep();
    expect(world.repository.books.get(book.id)).toMatchObject({ version: 2, score: 2 });
    expect(world.publisher.stream.map((change) => change.version)).toEqual([1, 2]);
  });

  it("drops an intent whose record is another writer's, or was never committed, without publishing", async () => {
    const world = fakeWorld();
    const book = await world.service.create({ book: input });
    world.outbox.entries = [
      { key: 'dead', revision: 1, written: new Date(0), intents: [{ id: `${book.id}:1`, eventId: 'not-the-one-stored' }, { id: `${book.id}:9`, eventId: 'never' }] },
    ];
    await world.relay.sweep();
    expect(world.publisher.stream).toHaveLength(1);
    expect(world.outbox.entries).toEqual([]);
  });

  it('publishes a large backlog left by a long JetStream outage, each change once, each book in version order', async () => {
    const world = fakeWorld();
    world.publisher.down = true;
    // 300 books created while events cannot go out: all committed and readable, none published.
    const books = await Promise.all(Array.from({ length: 300 }, (_, i) => world.service.create({ book: { ...input, title: `Backlog ${i}` } })));
    expect(world.publisher.stream).toHaveLength(0);
    expect(world.outbox.own.size).toBe(300);
    world.publisher.down = false;
    await world.relay.sweep();
    expect(world.outbox.own.size).toBe(0);
    expect(new Set(world.publisher.stream.map((change) => change.eventId)).size).toBe(300);
    // Writes go on from the published state, and their events follow in order.
    await Promise.all(books.map((book) => world.service.update(book.id, { read: true }, 1)));
    for (const book of books) {
      expect(world.publisher.stream.filter((change) => change.bookId === book.id).map((change) => change.version)).toEqual([1, 2]);
    }
  });

  it('publishes a change late in the trace of the request that made it (the change keeps its traceparent)', async () => {
    const world = fakeWorld();
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    world.publisher.down = true;
    const book = await world.service.create({ book: input }, { requestId: 'r1', traceparent });
    const untraced = await world.service.create({ book: { ...input, title: 'Not traced' } }, { requestId: 'r2' });
    world.publisher.down = false;
    await world.relay.sweep();
    const published = (id: string) => world.publisher.stream.find((change) => change.bookId === id);
    expect(published(book.id)?.traceparent).toBe(traceparent);
    expect(published(untraced.id)).not.toHaveProperty('traceparent');
  });

  it('republishes a change whose writer died after publishing but before clearing its outbox: the stream keeps one copy', async () => {
    const world = fakeWorld();
    const book = await leftByDeadReplica(world, { applied: true, silentForMs: testConfig.OUTBOX_GRACE_MS + 1 });
    await world.publisher.publish([world.repository.changes.get(`${book.id}:2`)!]);
    await world.relay.sweep();
    expect(world.publisher.stream.filter((change) => change.bookId === book.id).map((change) => change.version)).toEqual([1, 2]);
    expect(world.outbox.entries).toEqual([]);
  });

  it("orders a book's changes by version, numerically", () => {
    const ids = ['b:10', 'a:2', 'b:9', 'a:1'].map((id) => ({ id, eventId: id }));
    expect(ids.sort(byBookThenVersion).map((intent) => intent.id)).toEqual(['a:1', 'a:2', 'b:9', 'b:10']);
  });
});
