import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import {
  EDITABLE_FIELDS,
  type Book,
  type BookInput,
  type BookPage,
  type BookPatch,
  type ListBooksRequest,
} from '@books/contracts';
import {
  BookNotFoundError,
  ConcurrentChangeError,
  IdempotencyKeyReusedError,
  UnfinishedChangeError,
  VersionMismatchError,
} from '../errors/domain.errors';
import { type BookChangeDocument, type BookChangeType, type BookDocument, changeId, toBook, toBookDocument } from './book.document';
import { BookEventsPublisher } from '../events/book-events.publisher';
import { BooksRepository } from './books.repository';

/** Writers without If-Match retry this often when another writer takes the version first. */
const MAX_WRITE_ATTEMPTS = 8;

export interface WriteContext {
  requestId?: string;
}

export interface CreateBookCommand {
  book: BookInput;
  idempotencyKey?: string;
  /** A fixed id instead of a new one; the seeder uses it to create each sample book once. */
  id?: string;
}

/**
 * The catalogue's rules. Every write follows the same protocol:
 *   1. read the book and check the caller's expected version (If-Match);
 *   2. commit by inserting the change record for version + 1, which only one writer can do;
 *   3. apply the change to the `books` collection;
 *   4. publish the change's event.
 * A crash after step 2 leaves a committed but unapplied or unpublished change, which the
 * outbox relay finishes later. There is no multi-document transaction anywhere.
 */
@Injectable()
export class BooksService {
  constructor(
    private readonly repository: BooksRepository,
    private readonly events: BookEventsPublisher,
  ) {}

  async list(request: ListBooksRequest): Promise<BookPage> {
    const { items, total } = await this.repository.findPage(request);
    return { items: items.map(toBook), total, offset: request.offset, limit: request.limit };
  }

  async get(id: string): Promise<Book> {
    const doc = await this.repository.findById(id);
    if (!doc) throw new BookNotFoundError(id);
    return toBook(doc);
  }

  async create(command: CreateBookCommand, context: WriteContext = {}): Promise<Book> {
    const now = new Date();
    let id = command.id ?? randomUUID();
    if (command.idempotencyKey) {
      const fingerprint = fingerprintOf(command.book);
      const record = await this.repository.claimIdempotencyKey({ _id: command.idempotencyKey, fingerprint, bookId: id, createdAt: now });
      if (record.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
      id = record.bookId;
    }
    const change = newChange('created', id, toBookDocument(id, command.book, 1, now, now), context);
    if (!(await this.repository.recordChange(change))) {
      // Another request with the same key (or the same seed id) created this book first:
      // answer with what it created, so every retry sees the same result.
      const original = await this.repository.findChange(id, 1);
      if (!original?.book) throw new ConcurrentChangeError(id);
      // Its writer may have died before writing the book: a retry must be able to read it.
      await this.repository.ensureCreated(original);
      return toBook(original.book);
    }
    await this.complete(change);
    return toBook(change.book as BookDocument);
  }

  async update(id: string, changes: BookPatch, expectedVersion: number | undefined, context: WriteContext = {}): Promise<Book> {
    const { before, change } = await this.write(id, expectedVersion, (current, now) => {
      const fields = { ...pickEditable(current), ...changes };
      if (EDITABLE_FIELDS.every((field) => fields[field] === current[field])) return null;
      return newChange('updated', id, toBookDocument(id, fields, current.version + 1, current.createdAt, now), context);
    });
    return toBook(change?.book ?? before);
  }

  async delete(id: string, expectedVersion: number | undefined, context: WriteContext = {}): Promise<{ id: string; version: number }> {
    const { before } = await this.write(id, expectedVersion, (current, now) =>
      newChange('deleted', id, null, context, current.version + 1, now),
    );
    return { id, version: before.version + 1 };
  }

  /**
   * Steps 1-4 for a change to an existing book. `decide` builds the change from the current
   * state, or returns null when the request changes nothing (no new version, no event).
   */
  private async write(
    id: string,
    expectedVersion: number | undefined,
    decide: (current: BookDocument, now: Date) => BookChangeDocument | null,
  ): Promise<{ before: BookDocument; change: BookChangeDocument | null }> {
    const versionsSeen = new Set<number>();
    for (let attempt = 1; ; attempt++) {
      const current = await this.repository.findById(id);
      if (!current) throw new BookNotFoundError(id);
      if (expectedVersion !== undefined && current.version !== expectedVersion) {
        throw new VersionMismatchError(id, expectedVersion, current.version);
      }
      const change = decide(current, new Date());
      if (!change) return { before: current, change: null };
      if (await this.repository.recordChange(change)) {
        await this.complete(change);
        return { before: current, change };
      }
      // Someone else took version + 1 between our read and our commit.
      if (expectedVersion !== undefined) throw new VersionMismatchError(id, expectedVersion, current.version + 1);
      versionsSeen.add(current.version);
      if (attempt === MAX_WRITE_ATTEMPTS) {
        // Other writers kept winning (409), or one committed and never applied (503, for now).
        throw versionsSeen.size === 1 ? new UnfinishedChangeError(id, current.version + 1) : new ConcurrentChangeError(id);
      }
      await sleep(Math.random() * 10 * attempt);
    }
  }

  /** Steps 3 and 4 for a committed change. */
  private async complete(change: BookChangeDocument): Promise<void> {
    await this.repository.applyChange(change);
    await this.events.publishCommitted(change);
  }
}

/** A change record; for created and updated books the version and time come from the book. */
function newChange(
  type: BookChangeType,
  bookId: string,
  book: BookDocument | null,
  context: WriteContext,
  version = book?.version ?? 1,
  occurredAt = book?.updatedAt ?? new Date(),
): BookChangeDocument {
  return {
    _id: changeId(bookId, version),
    bookId,
    version,
    type,
    eventId: randomUUID(),
    occurredAt,
    book,
    ...(context.requestId ? { requestId: context.requestId } : {}),
    published: false,
  };
}

function pickEditable(doc: BookDocument): BookInput {
  return { title: doc.title, author: doc.author, year: doc.year, score: doc.score, read: doc.read };
}

/** The same book fields give the same fingerprint, whatever the key order or spacing was. */
function fingerprintOf(book: BookInput): string {
  return createHash('sha256')
    .update(JSON.stringify(EDITABLE_FIELDS.map((field) => book[field])))
    .digest('base64url');
}
