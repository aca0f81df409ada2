import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import {
  type AnyBulkWriteOperation,
  type Collection,
  type IndexSpecification,
  MongoBulkWriteError,
  MongoServerError,
} from 'mongodb';
import { retry } from '@books/server-kit';
import { Database } from '../database/database';
import type { BookChangeDocument, BookDocument } from './book.document';

const DUPLICATE_KEY = 11000;
const INDEX_NOT_FOUND = 27;

/**
 * Every secondary index the service creates, by collection. docs/queries.md lists each query
 * the service sends and the index that serves it; a unit test keeps the two in step.
 * (`_id` is indexed by the database itself.) Lists and searches are answered from each
 * replica's in-memory catalogue (read-model/), so `books` needs no index but `_id`: each
 * one cost every insert more than it saved (an import of 100,000 books: 54 s with the
 * eight sort indexes, 5.6 s without, on FerretDB).
 */
export const INDEXES: Record<'books' | 'book_changes', { name: string; key: IndexSpecification }[]> = {
  books: [],
  book_changes: [],
};

/** Indexes of earlier releases that no query uses any more: dropped at start-up. */
const RETIRED_INDEXES: Record<'books' | 'book_changes', string[]> = {
  books: ['sort_title', 'sort_author', 'sort_year', 'sort_score', 'sort_createdAt', 'sort_updatedAt', 'read'],
  book_changes: ['unpublished_by_book'],
};

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
    await ensureIndexes(this.books, 'books');
    await ensureIndexes(this.changes, 'book_changes');
  }

  findById(id: string): Promise<BookDocument | null> {
    return this.books.findOne({ _id: id });
  }

  /**
   * Every book, in no particular order, a batch at a time: what each replica's in-memory
   * catalogue is loaded from. Unsorted: FerretDB would sort the whole collection in memory
   * before the first batch (past the socket timeout at 100,000 books), and order does not matter.
   */
  allBooks(): AsyncIterable<BookDocument> {
    return this.books.find({}, { batchSize: 2_000 });
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

async function ensureIndexes(collection: Collection<BookDocument> | Collection<BookChangeDocument>, name: keyof typeof INDEXES): Promise<void> {
  for (const index of INDEXES[name]) await collection.createIndex(index.key, { name: index.name });
  for (const retired of RETIRED_INDEXES[name]) {
    await collection.dropIndex(retired).catch((error: unknown) => {
      // Absent (a new database) or the collection does not exist yet: nothing to drop.
      if (!(error instanceof MongoServerError && (error.code === INDEX_NOT_FOUND || error.codeName === 'NamespaceNotFound'))) throw error;
    });
  }
}
