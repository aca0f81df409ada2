import { ErrorCode } from '@books/contracts';
import { toBookDocument } from './book.document';
import { fakeWorld } from './testing/fake-world';

const input = { title: 'The Stand', author: 'Stephen King', year: 1978, score: 8, read: false };

async function withBook() {
  const world = fakeWorld();
  const book = await world.service.create({ book: input }, { requestId: 'r1' });
  world.repository.commands = [];
  return { ...world, book };
}

/** What another replica leaves when it commits the next version of a book (and publishes it, when `published`). */
function anotherReplicaWrites(world: ReturnType<typeof fakeWorld>, id: string, version: number, title: string, { published = true } = {}) {
  const current = world.repository.books.get(id)!;
  const book = toBookDocument(id, { ...current, title }, version, current.createdAt, new Date());
  const change = { _id: `${id}:${version}`, bookId: id, version, type: 'updated' as const, eventId: `other-${version}`, occurredAt: book.updatedAt, book };
  world.repository.changes.set(change._id, change);
  world.repository.books.set(id, book);
  if (published) void world.publisher.publish([change]);
  return change;
}

describe('BooksService', () => {
  describe('create', () => {
    it('commits version 1, applies it and publishes its event: two database commands', async () => {
      const { service, repository, publisher } = fakeWorld();
      const book = await service.create({ book: input }, { requestId: 'r1' });
      expect(book).toMatchObject({ ...input, version: 1 });
      expect(repository.books.get(book.id)).toMatchObject({ version: 1, title: 'The Stand' });
      expect(publisher.stream.map((change) => [change.type, change.version, change.requestId])).toEqual([['created', 1, 'r1']]);
      expect(repository.commands).toEqual(['insert', 'update']);
    });

    it('answers a repeated Idempotency-Key with the first result and creates nothing new', async () => {
      const { service, repository, publisher } = fakeWorld();
      const first = await service.create({ book: input, idempotencyKey: 'k1' });
      const again = await service.create({ book: { ...input }, idempotencyKey: 'k1' });
      expect(again).toEqual(first);
      expect(repository.books.size).toBe(1);
      expect(publisher.stream).toHaveLength(1);
    });

    it('refuses a repeated Idempotency-Key with a different body', async () => {
      const { service } = fakeWorld();
      await service.create({ book: input, idempotencyKey: 'k1' });
      await expect(service.create({ book: { ...input, score: 2 }, idempotencyKey: 'k1' })).rejects.toMatchObject({ code: ErrorCode.IdempotencyKeyReused });
    });

    it('writes the book on a retry whose original create is committed but never applied (its writer died)', async () => {
      const first = fakeWorld();
      const created = await first.service.create({ book: input, idempotencyKey: 'k1' });
      // Seen from another replica: the record is committed, the book never written, no event.
      first.repository.books.clear();
      const other = fakeWorld();
      other.repository.changes = first.repository.changes;
      expect(await other.service.create({ book: input, idempotencyKey: 'k1' })).toEqual(created);
      expect(other.repository.books.get(created.id)).toMatchObject({ version: 1, title: input.title });
    });
  });

  describe('update', () => {
    it('builds on the published state without reading the database: two commands per write', async () => {
      const { service, repository, publisher, book } = await withBook();
      const updated = await service.update(book.id, { score: 9 }, 1, { requestId: 'r2' });
      expect(updated).toMatchObject({ score: 9, version: 2, createdAt: book.createdAt });
      expect(repository.commands).toEqual(['insert', 'update']);
      expect(publisher.stream.map((change) => change.version)).toEqual([1, 2]);
    });

    it('changes nothing and publishes nothing when the values are the same', async () => {
      const { service, repository, publisher, book } = await withBook();
      expect(await service.update(book.id, { score: input.score }, undefined)).toMatchObject({ version: 1 });
      expect(repository.commands).toEqual([]);
      expect(publisher.stream).toHaveLength(1);
    });

    it('refuses a stale If-Match with VERSION_MISMATCH, committing nothing', async () => {
      const { service, repository, book } = await withBook();
      await service.update(book.id, { score: 1 }, 1);
      await expect(service.update(book.id, { score: 2 }, 1)).rejects.toMatchObject({ code: ErrorCode.VersionMismatch });
      expect(repository.changes.size).toBe(2);
    });

    it('answers 412 when another replica commits the expected version first', async () => {
      const world = await withBook();
      world.repository.beforeCommit = () => anotherReplicaWrites(world, world.book.id, 2, 'theirs');
      await expect(world.service.update(world.book.id, { score: 1 }, 1)).rejects.toMatchObject({ code: ErrorCode.VersionMismatch });
      expect(world.repository.books.get(world.book.id)).toMatchObject({ version: 2, title: 'theirs' });
    });

    it('builds an unconditional write on the winner when another replica commits first', async () => {
      const world = await withBook();
      world.repository.beforeCommit = () => anotherReplicaWrites(world, world.book.id, 2, 'theirs');
      const updated = await world.service.update(world.book.id, { score: 1 }, undefined);
      expect(updated).toMatchObject({ version: 3, title: 'theirs', score: 1 });
      expect(world.publisher.stream.map((change) => change.version)).toEqual([1, 2, 3]);
    });

    it('waits for an unpublished winner, then builds on it once the database and outboxes say it is out', async () => {
      const world = await withBook();
      world.repository.beforeCommit = () => {
        anotherReplicaWrites(world, world.book.id, 2, 'theirs', { published: false });
        world.outbox.entries = [{ key: 'r2', revision: 1, written: new Date(), intents: [{ id: `${world.book.id}:2`, eventId: 'other-2' }] }];
        setTimeout(() => (world.outbox.entries = []), 50); // the winner publishes and clears its outbox
      };
      expect(await world.service.update(world.book.id, { score: 1 }, undefined)).toMatchObject({ version: 3, title: 'theirs' });
    });

    it('answers UNAVAILABLE while the winning version stays unpublished past the deadline (its writer died)', async () => {
      const world = await withBook();
      world.repository.beforeCommit = () => {
        anotherReplicaWrites(world, world.book.id, 2, 'theirs', { published: false });
        world.outbox.entries = [{ key: 'r2', revision: 1, written: new Date(), intents: [{ id: `${world.book.id}:2`, eventId: 'other-2' }] }];
      };
      await expect(world.service.update(world.book.id, { score: 1 }, undefined)).rejects.toMatchObject({ code: ErrorCode.Unavailable });
    });

    it('answers NOT_FOUND for a missing book', async () => {
      const { service } = fakeWorld();
      await expect(service.update('nope', { score: 1 }, undefined)).rejects.toMatchObject({ code: ErrorCode.NotFound });
    });
  });

  describe('delete', () => {
    it('commits a deleted change with no book and removes the book', async () => {
      const { service, repository, publisher, book } = await withBook();
      expect(await service.delete(book.id, 1)).toEqual({ id: book.id, version: 2 });
      expect(repository.books.has(book.id)).toBe(false);
      expect(publisher.stream.at(-1)).toMatchObject({ type: 'deleted', version: 2, book: null });
      await expect(service.update(book.id, { score: 1 }, undefined)).rejects.toMatchObject({ code: ErrorCode.NotFound });
    });
  });

  it('answers a read that names a stream position this replica has not applied with UNAVAILABLE, after waiting', async () => {
    const { service, catalogue } = fakeWorld();
    const started = Date.now();
    await expect(service.list({ offset: 0, limit: 5, sort: 'title' }, { minPosition: catalogue.position + 1 })).rejects.toMatchObject({
      code: ErrorCode.Unavailable,
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(await service.list({ offset: 0, limit: 5, sort: 'title' }, { minPosition: catalogue.position })).toMatchObject({ total: 0 });
  });
});
