import type { Book, BookInput, RecordedActor } from '@books/contracts';

/** A book as stored in the `books` collection: the current state of each book. */
export interface BookDocument {
  _id: string;
  title: string;
  author: string;
  year: number | null;
  score: number | null;
  read: boolean;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  /** Case- and accent-folded copies of the text, for sorting and searching without collations. */
  titleKey: string;
  authorKey: string;
}

export type BookChangeType = 'created' | 'updated' | 'deleted';

/**
 * One committed change, in the `book_changes` collection, keyed `<bookId>:<version>`.
 *
 * Inserting it is the commit point of every write: the unique `_id` lets exactly one writer
 * take each next version of a book (compare-and-set through a unique index, which MongoDB and
 * FerretDB both enforce atomically; FerretDB's conditional updates are not atomic). The
 * collection is insert-only: nothing updates a change record, and no hot path or timer
 * queries it by anything but `_id`, so its cost stays flat however long the history grows.
 * What is not yet published is tracked elsewhere (the outbox intents, in NATS).
 */
export interface BookChangeDocument {
  _id: string;
  bookId: string;
  version: number;
  type: BookChangeType;
  /** Unique per change; also the JetStream message id, so re-publishing is de-duplicated. */
  eventId: string;
  occurredAt: Date;
  /** The book after the change; null when it was deleted. */
  book: BookDocument | null;
  requestId?: string;
  /** Who made the change, from the caller's verified token; absent without sign-in. */
  actor?: RecordedActor;
  /** For a create with an Idempotency-Key: hash of the request body, so a retry can be told from a reuse. */
  fingerprint?: string;
  /**
   * The writing request's trace context (W3C traceparent), only when that request was traced:
   * the database spans of its commit round and its event's publish join the request's trace,
   * even when the relay publishes the event later, on another replica.
   */
  traceparent?: string;
}

export function changeId(bookId: string, version: number): string {
  return `${bookId}:${version}`;
}

/** Folds case and accents so that "émile", "Emile" and "EMILE" sort and match together. */
export function textKey(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

export function toBookDocument(id: string, fields: BookInput, version: number, createdAt: Date, updatedAt: Date): BookDocument {
  return {
    _id: id,
    title: fields.title,
    author: fields.author,
    year: fields.year,
    score: fields.score,
    read: fields.read,
    version,
    createdAt,
    updatedAt,
    titleKey: textKey(fields.title),
    authorKey: textKey(fields.author),
  };
}

export function toBook(doc: BookDocument): Book {
  return {
    id: doc._id,
    title: doc.title,
    author: doc.author,
    year: doc.year,
    score: doc.score,
    read: doc.read,
    version: doc.version,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}
