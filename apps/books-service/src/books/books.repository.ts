import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  type AnyBulkWriteOperation,
  type Collection,
  type Filter,
  type IndexSpecification,
  MongoBulkWriteError,
  MongoServerError,
  type Sort,
} from 'mongodb';
import { parseSortKey, type ListBooksRequest, type SortField } from '@books/contracts';
import { retry } from '@books/server-kit';
import { Database } from '../database/database';
import { type BookChangeDocument, type BookDocument, textKey } from './book.document';

const DUPLICATE_KEY = 11000;
const INDEX_NOT_FOUND = 27;

/** Text fields sort on their folded keys; every sort ends on `_id`, so pages never overlap. */
const SORT_KEYS: Record<SortField, (keyof BookDocument)[]> = {
  title: ['titleKey', 'authorKey'],
  author: ['authorKey', 'titleKey'],
  year: ['year'],
  score: ['score'],
  createdAt: ['createdAt'],
  updatedAt: ['updatedAt'],
};

/**
 * Every secondary index the service creates, by collection. docs/queries.md lists each query
 * the service sends and the index that serves it; a unit test keeps the two in step.
 * (`_id` is indexed by the database itself.)
 */
export const INDEXES: Record<'books' | 'book_changes', { name: string; key: IndexSpecification }[]> = {
  books: [
    ...Object.entries(SORT_KEYS).map(([field, keys]) => ({
      name: `sort_${field}`,
      key: Object.fromEntries([...keys, '_id'].map((key) => [key, 1])) as IndexSpecification,
    })),
    { name: 'read', key: { read: 1 } },
  ],
  book_changes: [],
};

/** Indexes of earlier releases that no query uses any more: dropped at start-up. */
const RETIRED_INDEXES = { book_changes: ['unpublished_by_book'] };

/** What became of each change sent to {@link BooksRepository.commit}. */
export interface CommitResult {
  /** Ids of the changes not inserted: their version was taken (or, when ordered, one before them was). */
  duplicates: Set<string>;
}

/**
 * All MongoDB I/O of the catalogue. Rules live in BooksService; this only reads and writes.
 *
 * The write path filters on `_id` alone: it is the one filter FerretDB answers from an index
 * (anything more reads the whole collection), and MongoDB serves it from `_id_` too.
 */
@Injectable()
export class BooksRepository implements OnModuleInit {
  private readonly logger = new Logger(BooksRepository.name);
  private readonly books: Collection<BookDocument>;
  private readonly changes: Collection<BookChangeDocument>;

  constructor(database: Database) {
    this.books = database.collection('books');
    this.changes = database.collection('book_changes');
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
    for (const { name, key } of INDEXES.books) await this.books.createIndex(key, { name });
    for (const name of RETIRED_INDEXES.book_changes) {
      await this.changes.dropIndex(name).catch((error: unknown) => {
        // Absent (a new database) or the collection does not exist yet: nothing to drop.
        if (!(error instanceof MongoServerError && (error.code === INDEX_NOT_FOUND || error.codeName === 'NamespaceNotFound'))) throw error;
      });
    }
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
   * Commits changes by inserting their change records, all in one command. A record whose
   * `_id` (book and version) exists is refused by the unique index: that writer lost the race.
   * `ordered`: stop at the first refusal, so a chain of versions never gets a gap; what comes
   * after it counts as refused too. Throws when the command itself fails: then the outcome
   * of each change is unknown.
   */
  async commit(changes: BookChangeDocument[], ordered = false): Promise<CommitResult> {
    const duplicates = new Set<string>();
    if (changes.length === 0) return { duplicates };
    try {
      await this.changes.insertMany(changes, { ordered });
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) throw error;
      const errors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors].filter(Boolean);
      // A bulk error without write errors (the connection failed mid-command): outcome unknown.
      if (errors.length === 0) throw error;
      for (const writeError of errors) {
        if (writeError.code !== DUPLICATE_KEY) throw error;
        duplicates.add(changes[writeError.index]._id);
      }
      if (ordered) for (const change of changes.slice(Math.min(...errors.map((e) => e.index)))) duplicates.add(change._id);
    }
    return { duplicates };
  }

  findChange(id: string): Promise<BookChangeDocument | null> {
    return this.changes.findOne({ _id: id });
  }

  /**
   * Writes the state of committed changes into `books`, all in one command. Only the writer
   * that committed a version writes it, and nobody can commit the next version of a book
   * before reading this one, so a filter on `_id` alone is enough. Idempotent: a change can
   * be applied again after a crash.
   */
  async apply(changes: BookChangeDocument[]): Promise<void> {
    if (changes.length === 0) return;
    const operations = changes.map((change): AnyBulkWriteOperation<BookDocument> => {
      if (change.type === 'created') return { insertOne: { document: change.book as BookDocument } };
      if (change.book) return { replaceOne: { filter: { _id: change.bookId }, replacement: change.book } };
      return { deleteOne: { filter: { _id: change.bookId } } };
    });
    try {
      // One operation per book, so their order does not matter.
      await this.books.bulkWrite(operations, { ordered: false });
    } catch (error) {
      // A create applied before (a retry, or the relay after its writer): already there.
      const errors = error instanceof MongoBulkWriteError ? (Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors].filter(Boolean)) : [];
      if (errors.length === 0 || errors.some((writeError) => writeError.code !== DUPLICATE_KEY)) throw error;
    }
  }

  /** Whether `books` already reflects the change (or a later one). */
  async isApplied(change: BookChangeDocument): Promise<boolean> {
    const book = await this.books.findOne({ _id: change.bookId }, { projection: { version: 1 } });
    if (!book) return change.type === 'deleted' || (await this.findChange(`${change.bookId}:${change.version + 1}`)) !== null;
    return book.version >= change.version;
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
