import { ErrorCode } from '@books/contracts';
import type { BookEventsPublisher } from '../events/book-events.publisher';
import type { BookChangeDocument, BookDocument, IdempotencyRecord } from './book.document';
import type { BooksRepository } from './books.repository';
import { BooksService } from './books.service';

/**
 * An in-memory stand-in for the repository with the one property the write protocol
 * relies on: recording a change whose id exists fails, like a unique index.
 */
class FakeRepository {
  books = new Map<string, BookDocument>();
  changes = new Map<string, BookChangeDocument>();
  keys = new Map<string, IdempotencyRecord>();
  /** Lets a test play "another writer got there first" before the next recordChange. */
  beforeRecord?: () => void;

  async findById(id: string) {
    return this.books.get(id) ?? null;
  }
  async recordChange(change: BookChangeDocument) {
    this.beforeRecord?.();
    this.beforeRecord = undefined;
    if (this.changes.has(change._id)) return false;
    this.changes.set(change._id, change);
    return true;
  }
  async findChange(bookId: string, version: number) {
    return this.changes.get(`${bookId}:${version}`) ?? null;
  }
  async applyChange(change: BookChangeDocument) {
    if (change.book) this.books.set(change.bookId, change.book);
    else this.books.delete(change.bookId);
  }
  async ensureCreated(change: BookChangeDocument) {
    if (this.books.has(change.bookId) || this.changes.has(`${change.bookId}:2`)) return;
    this.books.set(change.bookId, change.book!);
  }
  async claimIdempotencyKey(record: IdempotencyRecord) {
    const existing = this.keys.get(record._id);
    if (existing) return existing;
    this.keys.set(record._id, record);
    return record;
  }
}

function setup() {
  const repository = new FakeRepository();
  const events = { publishCommitted: jest.fn().mockResolvedValue(undefined) };
  const sut = new BooksService(repository as unknown as BooksRepository, events as unknown as BookEventsPublisher);
  return { sut, repository, events };
}

const input = { title: 'The Stand', author: 'Stephen King', year: 1978, score: 8, read: false };

describe(BooksService.name, () => {
  describe('create', () => {
    it('records version 1, applies it and publishes its event', async () => {
      const { sut, repository, events } = setup();
      const book = await sut.create({ book: input }, { requestId: 'r1' });
      expect(book).toMatchObject({ ...input, version: 1 });
      expect(repository.changes.get(`${book.id}:1`)).toMatchObject({ type: 'created', requestId: 'r1', published: false });
      expect(repository.books.get(book.id)?.titleKey).toBe('the stand');
      expect(events.publishCommitted).toHaveBeenCalledWith(expect.objectContaining({ bookId: book.id, version: 1 }));
    });

    it('returns the first result for a repeated Idempotency-Key and creates nothing new', async () => {
      const { sut, repository } = setup();
      const first = await sut.create({ book: input, idempotencyKey: 'k' });
      const again = await sut.create({ book: { ...input }, idempotencyKey: 'k' });
      expect(again).toEqual(first);
      expect(repository.books.size).toBe(1);
    });

    it('writes the book on a retry when the first writer died before writing it', async () => {
      const { sut, repository } = setup();
      const first = await sut.create({ book: input, idempotencyKey: 'k' });
      repository.books.delete(first.id);
      expect(await sut.create({ book: input, idempotencyKey: 'k' })).toEqual(first);
      expect(await sut.get(first.id)).toEqual(first);
    });

    it('refuses a repeated Idempotency-Key with a different body', async () => {
      const { sut } = setup();
      await sut.create({ book: input, idempotencyKey: 'k' });
      await expect(sut.create({ book: { ...input, score: 1 }, idempotencyKey: 'k' })).rejects.toMatchObject({
        code: ErrorCode.IdempotencyKeyReused,
      });
    });
  });

  describe('update', () => {
    it('bumps the version, keeps createdAt and publishes', async () => {
      const { sut, events } = setup();
      const book = await sut.create({ book: input });
      const updated = await sut.update(book.id, { read: true }, 1);
      expect(updated).toMatchObject({ read: true, version: 2, createdAt: book.createdAt });
      expect(events.publishCommitted).toHaveBeenCalledTimes(2);
    });

    it('changes nothing, and publishes nothing, when the values are the same', async () => {
      const { sut, repository, events } = setup();
      const book = await sut.create({ book: input });
      expect(await sut.update(book.id, { title: 'The Stand' }, undefined)).toEqual(book);
      expect(repository.changes.size).toBe(1);
      expect(events.publishCommitted).toHaveBeenCalledTimes(1);
    });

    it('refuses a stale expected version', async () => {
      const { sut } = setup();
      const book = await sut.create({ book: input });
      await sut.update(book.id, { read: true }, 1);
      await expect(sut.update(book.id, { score: 2 }, 1)).rejects.toMatchObject({ code: ErrorCode.VersionMismatch });
    });

    it('refuses with 412 when another writer takes the version between read and commit', async () => {
      const { sut, repository } = setup();
      const book = await sut.create({ book: input });
      repository.beforeRecord = () => repository.changes.set(`${book.id}:2`, {} as BookChangeDocument);
      await expect(sut.update(book.id, { score: 2 }, 1)).rejects.toMatchObject({ code: ErrorCode.VersionMismatch });
    });

    it('retries an unconditional change on the next version when it loses a race', async () => {
      const { sut, repository } = setup();
      const book = await sut.create({ book: input });
      repository.beforeRecord = () => {
        const other = { ...repository.books.get(book.id)!, version: 2, score: 5 };
        repository.changes.set(`${book.id}:2`, { book: other } as BookChangeDocument);
        repository.books.set(book.id, other);
      };
      const updated = await sut.update(book.id, { read: true }, undefined);
      expect(updated).toMatchObject({ version: 3, score: 5, read: true });
    });

    it('answers UNAVAILABLE while the next version is committed but never applied (its writer died)', async () => {
      const { sut, repository } = setup();
      const book = await sut.create({ book: input });
      repository.changes.set(`${book.id}:2`, {} as BookChangeDocument);
      await expect(sut.update(book.id, { read: true }, undefined)).rejects.toMatchObject({ code: ErrorCode.Unavailable });
      expect(repository.books.get(book.id)?.version).toBe(1);
    });

    it('answers CONFLICT when other writers keep taking the next version first', async () => {
      const { sut, repository } = setup();
      const book = await sut.create({ book: input });
      const recordChange = repository.recordChange.bind(repository);
      repository.recordChange = async (change) => {
        const other = { ...repository.books.get(book.id)!, version: change.version };
        repository.changes.set(change._id, { book: other } as BookChangeDocument);
        repository.books.set(book.id, other);
        return recordChange(change);
      };
      await expect(sut.update(book.id, { read: true }, undefined)).rejects.toMatchObject({ code: ErrorCode.Conflict });
    });

    it('answers NOT_FOUND for a missing book', async () => {
      const { sut } = setup();
      await expect(sut.update('missing', { read: true }, undefined)).rejects.toMatchObject({ code: ErrorCode.NotFound });
    });
  });

  describe('delete', () => {
    it('records a deleted change with no book and removes the book', async () => {
      const { sut, repository } = setup();
      const book = await sut.create({ book: input });
      expect(await sut.delete(book.id, 1)).toEqual({ id: book.id, version: 2 });
      expect(repository.changes.get(`${book.id}:2`)).toMatchObject({ type: 'deleted', book: null, version: 2 });
      await expect(sut.get(book.id)).rejects.toMatchObject({ code: ErrorCode.NotFound });
    });
  });
});
