import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { type Collection, type Filter, MongoServerError, type Sort } from 'mongodb';
import { parseSortKey, type ListBooksRequest, type SortField } from '@books/contracts';
import { retry } from '@books/server-kit';
import { Database } from '../database/database';
import {
  type BookChangeDocument,
  type BookDocument,
  type IdempotencyRecord,
  changeId,
  textKey,
} from './book.document';

const DUPLICATE_KEY = 11000;

/** Text fields sort on their folded keys; every sort ends on `_id`, so pages never overlap. */
const SORT_KEYS: Record<SortField, (keyof BookDocument)[]> = {
  title: ['titleKey', 'authorKey'],
  author: ['authorKey', 'titleKey'],
  year: ['year'],
  score: ['score'],
  createdAt: ['createdAt'],
  updatedAt: ['updatedAt'],
};

/** All MongoDB I/O of the catalogue. Rules live in BooksService; this only reads and writes. */
@Injectable()
export class BooksRepository implements OnModuleInit {
  private readonly logger = new Logger(BooksRepository.name);
  private readonly books: Collection<BookDocument>;
  private readonly changes: Collection<BookChangeDocument>;
  private readonly idempotency: Collection<IdempotencyRecord>;

  constructor(database: Database) {
    this.books = database.collection('books');
    this.changes = database.collection('book_changes');
    this.idempotency = database.collection('idempotency_keys');
  }

  /**
   * Creating an index that exists is a no-op, so every replica does it at every start.
   * One index per command: FerretDB 1.24 drops the connection when a multi-index
   * createIndexes names indexes that already exist.
   */
  async onModuleInit(): Promise<void> {
    await retry('Creating indexes', () => this.createIndexes(), { logger: this.logger, attempts: 10 });
  }

  private async createIndexes(): Promise<void> {
    for (const [field, keys] of Object.entries(SORT_KEYS)) {
      await this.books.createIndex(Object.fromEntries([...keys, '_id'].map((key) => [key, 1])), { name: `sort_${field}` });
    }
    await this.books.createIndex({ read: 1 }, { name: 'read' });
    await this.changes.createIndex({ published: 1, bookId: 1, version: 1 }, { name: 'unpublished_by_book' });
    await this.idempotency.createIndex({ createdAt: 1 }, { name: 'created_at' });
  }

  findById(id: string): Promise<BookDocument | null> {
    return this.books.findOne({ _id: id });
  }

  async findPage(request: ListBooksRequest): Promise<{ items: BookDocument[]; total: number }> {
    const filter = toFilter(request);
    const { field, direction } = parseSortKey(request.sort);
    const sort: Sort = Object.fromEntries([...SORT_KEYS[field], '_id'].map((key) => [key, direction]));
    const items = await this.books.find(filter).sort(sort).skip(request.offset).limit(request.limit).toArray();
    // A page that is not full ends the list, so it tells the total without a second query.
    const endsTheList = items.length < request.limit && (items.length > 0 || request.offset === 0);
    const total = endsTheList ? request.offset + items.length : await this.books.countDocuments(filter);
    return { items, total };
  }

  isEmpty(): Promise<boolean> {
    return this.books.findOne({}, { projection: { _id: 1 } }).then((doc) => doc === null);
  }

  /**
   * Takes the next version of a book by inserting its change record. Returns false when
   * another writer already took that version; only the winner may then write the book.
   */
  async recordChange(change: BookChangeDocument): Promise<boolean> {
    return ignoreDuplicate(this.changes.insertOne(change));
  }

  findChange(bookId: string, version: number): Promise<BookChangeDocument | null> {
    return this.changes.findOne({ _id: changeId(bookId, version) });
  }

  /** Committed changes of one book that have no event yet, oldest first. */
  findUnpublished(bookId: string): Promise<BookChangeDocument[]> {
    return this.changes.find({ published: false, bookId }).sort({ version: 1 }).toArray();
  }

  /** Changes still unpublished after `before`: their writer probably died. Oldest first per book. */
  findUnpublishedBefore(before: Date, limit: number): Promise<BookChangeDocument[]> {
    return this.changes
      .find({ published: false, occurredAt: { $lt: before } })
      .sort({ bookId: 1, version: 1 })
      .limit(limit)
      .toArray();
  }

  countUnpublished(): Promise<number> {
    return this.changes.countDocuments({ published: false });
  }

  async markPublished(change: BookChangeDocument): Promise<void> {
    await this.changes.updateOne({ _id: change._id }, { $set: { published: true } });
  }

  /** Whether the books collection already reflects the change (or a later one). */
  async isApplied(change: BookChangeDocument): Promise<boolean> {
    const book = await this.books.findOne({ _id: change.bookId }, { projection: { version: 1 } });
    if (!book) return change.type !== 'created';
    return book.version >= change.version;
  }

  /** Writes the state of a change into `books`. Idempotent, so a crashed write can be redone. */
  async applyChange(change: BookChangeDocument): Promise<void> {
    if (change.type === 'created') {
      await ignoreDuplicate(this.books.insertOne(change.book as BookDocument));
    } else if (change.type === 'updated') {
      await this.books.replaceOne({ _id: change.bookId, version: change.version - 1 }, change.book as BookDocument);
    } else {
      await this.books.deleteOne({ _id: change.bookId, version: change.version - 1 });
    }
  }

  /**
   * Makes sure a committed creation is in the books collection, unless the book has changed
   * since (a later change exists). Inserting cannot overwrite a newer version, so unlike
   * other changes this is safe while the original writer may still be at it.
   */
  async ensureCreated(change: BookChangeDocument): Promise<void> {
    if (await this.books.findOne({ _id: change.bookId }, { projection: { _id: 1 } })) return;
    if (await this.findChange(change.bookId, 2)) return;
    await this.applyChange(change);
  }

  /** Stores the record, or returns the one another request stored first under the key. */
  async claimIdempotencyKey(record: IdempotencyRecord): Promise<IdempotencyRecord> {
    if (await ignoreDuplicate(this.idempotency.insertOne(record))) return record;
    const existing = await this.idempotency.findOne({ _id: record._id });
    if (!existing) throw new Error(`Idempotency key ${record._id} vanished after a duplicate-key error`);
    return existing;
  }
}

function toFilter({ q, read }: ListBooksRequest): Filter<BookDocument> {
  const filter: Filter<BookDocument> = {};
  if (q) {
    // The search text is data: escaped into a literal pattern over the folded keys.
    const pattern = escapeRegExp(textKey(q));
    filter.$or = [{ titleKey: { $regex: pattern } }, { authorKey: { $regex: pattern } }];
  }
  if (read !== undefined) filter.read = read;
  return filter;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

async function ignoreDuplicate(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof MongoServerError && error.code === DUPLICATE_KEY) return false;
    throw error;
  }
}
