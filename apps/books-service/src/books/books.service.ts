import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  EDITABLE_FIELDS,
  type Book,
  type BookInput,
  type BookPage,
  type BookHistoryEntry,
  type BookHistoryPage,
  type BookPatch,
  type ImportBooksPayload,
  type ImportBooksResponse,
  type ListBooksRequest,
  type RecordedActor,
} from '@books/contracts';
import { BooksServiceConfig } from '../config/books-service.config';
import {
  BookNotFoundError,
  ConcurrentChangeError,
  IdempotencyKeyReusedError,
  BookNotDeletedError,
  InvalidPayloadError,
  ServiceUnavailableError,
  UnfinishedChangeError,
  VersionMismatchError,
} from '../errors/domain.errors';
import { type CursorPosition, InvalidCursorError } from '../read-model/catalogue-index';
import { CatalogueReadModel } from '../read-model/catalogue.read-model';
import { OutboxIntents } from '../events/outbox.intents';
import { type BookChangeDocument, type BookChangeType, type BookDocument, changeId, toBook, toBookDocument } from './book.document';
import type { WriteRequest } from './books.committer';
import { BookStateCache, type PublishedState } from './book-state.cache';
import { BooksCommitter } from './books.committer';
import { BooksRepository } from './books.repository';
import { uuidV5 } from '@books/server-kit';

/** Namespace of the ids of books created with an Idempotency-Key (name-based UUIDs of the key). */
const IDEMPOTENT_CREATE_NAMESPACE = 'b0f3c1de-9a4e-5d7b-8c21-4e6f0a9d3b57';

/** How long a writer that sent If-Match waits for this replica to hear of a version another replica just published. */
const CATCH_UP_MS = 250;

export interface WriteContext {
  requestId?: string;
  /** Who asks for the change (from a verified token, via the gateway); none without sign-in. */
  actor?: RecordedActor;
  /** The request's trace (W3C traceparent), when it is sampled: the change keeps it until it is published. */
  traceparent?: string;
}

export interface ReadContext {
  /** An event stream position the caller has seen (its own last write): the answer includes it. */
  minPosition?: number;
}

/** Books an export request returns at most: a few hundred KB, well under NATS's payload limit. */
export const EXPORT_PAGE_SIZE = 1_000;

export interface CreateBookCommand {
  book: BookInput;
  idempotencyKey?: string;
  /** A fixed id instead of a new one; the seeder uses it to create each sample book once. */
  id?: string;
}

/**
 * The catalogue's rules. Every write hands the group committer (BooksCommitter) a way to build
 * the book's next version from its state; there, inserting the change record
 * `<bookId>:<version>` decides, through a unique index, which replica gets that version.
 *
 * - With If-Match, a write that finds another version gets 412.
 * - Without, a write that loses to another replica waits for the winner's event and tries
 *   again on top of it, until the write deadline: a writer that asked for no condition never
 *   hears of another writer.
 * - A change is built only on a state whose event is already in the stream, so each book's
 *   events are published in version order without any lock.
 * There is no multi-document transaction anywhere.
 */
@Injectable()
export class BooksService {
  constructor(
    private readonly config: BooksServiceConfig,
    private readonly repository: BooksRepository,
    private readonly committer: BooksCommitter,
    private readonly states: BookStateCache,
    private readonly outbox: OutboxIntents,
    private readonly catalogue: CatalogueReadModel,
  ) {}

  /** A page of the catalogue, from memory: O(page) without a search, one pass with one. */
  async list(request: ListBooksRequest, context: ReadContext = {}): Promise<BookPage> {
    await this.catchUp(context);
    const after = request.cursor === undefined ? undefined : decodeCursor(request.cursor, request.sort);
    const page = (() => {
      try {
        return this.catalogue.page({ ...request, after });
      } catch (error) {
        if (error instanceof InvalidCursorError) throw new InvalidPayloadError([{ field: 'cursor', message: error.message }]);
        throw error;
      }
    })();
    return { items: page.items, total: page.total, offset: page.offset, limit: request.limit, nextCursor: page.next ? encodeCursor(page.next) : null };
  }

  async get(id: string, context: ReadContext = {}): Promise<Book> {
    await this.catchUp(context);
    const book = this.catalogue.get(id);
    if (!book) throw new BookNotFoundError(id);
    return book;
  }

  /** The stream position this replica's answers include: what a writer's next read asks for. */
  get position(): number {
    return this.catalogue.latestKnown;
  }

  /** The catalogue a page at a time, oldest first: the gateway streams the pages out as an export. */
  async exportPage(cursor: string | undefined, context: ReadContext = {}): Promise<BookPage> {
    return this.list({ sort: 'createdAt', offset: 0, limit: EXPORT_PAGE_SIZE, cursor }, context);
  }

  /**
   * Imports validated records, each taken whole or not at all: a book the catalogue does not
   * have is created (version 1), one that differs is replaced (no If-Match: the file wins),
   * an equal one is left alone (no version, no event). All of a batch's changes go through
   * the committer together, in rounds as large as the batch.
   */
  async import(request: ImportBooksPayload, context: WriteContext = {}): Promise<ImportBooksResponse> {
    const results: ImportBooksResponse['results'] = [];
    const writes: { index: number; id: string; book: BookInput }[] = [];
    const requests: WriteRequest[] = [];
    for (const [index, { id, book }] of request.books.entries()) {
      const current = this.catalogue.get(id);
      if (current && EDITABLE_FIELDS.every((field) => current[field] === book[field])) {
        results[index] = { outcome: 'unchanged' };
        continue;
      }
      const base: PublishedState = current
        ? { version: current.version, book: toBookDocument(id, current, current.version, new Date(current.createdAt), new Date(current.updatedAt)) }
        : { version: 0, book: null };
      const write: WriteRequest = {
        bookId: id,
        base,
        build: (state) => {
          const now = new Date();
          if (!state.book) return newChange('created', id, toBookDocument(id, book, state.version + 1, now, now), context);
          if (EDITABLE_FIELDS.every((field) => state.book?.[field] === book[field])) return null;
          return newChange('updated', id, toBookDocument(id, book, state.version + 1, state.book.createdAt, now), context);
        },
      };
      requests.push(write);
      writes.push({ index, id, book });
    }
    const outcomes = this.committer.submitAll(requests);
    await Promise.all(
      writes.map(async (write, i) => {
        try {
          const outcome = await outcomes[i];
          if (outcome.outcome === 'committed') results[write.index] = { outcome: outcome.change.type === 'created' ? 'created' : 'updated' };
          else if (outcome.outcome === 'unchanged') results[write.index] = { outcome: 'unchanged' };
          // Another writer got there first (or the id belonged to a deleted book): the usual path sorts it out.
          else results[write.index] = await this.importOne(write.id, write.book, context);
        } catch (error) {
          results[write.index] = { outcome: 'rejected', reason: (error as Error).message };
        }
      }),
    );
    return { results };
  }

  private async importOne(id: string, book: BookInput, context: WriteContext): Promise<ImportBooksResponse['results'][number]> {
    try {
      const before = this.catalogue.get(id)?.version;
      const updated = await this.update(id, book, undefined, context);
      return { outcome: updated.version === before ? 'unchanged' : 'updated' };
    } catch (error) {
      if (!(error instanceof BookNotFoundError)) throw error;
      const created = await this.create({ book, id }, context);
      if (EDITABLE_FIELDS.some((field) => created[field] !== book[field])) {
        return { outcome: 'rejected', reason: `The id ${id} belongs to a book that was deleted; import it without the id to add it again` };
      }
      return { outcome: 'created' };
    }
  }

  /**
   * A page of the book's versions, newest first, each with what it changed. Versions are
   * numbered 1..n without gaps, so a page is a handful of lookups by id in the change log,
   * however many versions the book has. Works for deleted books.
   */
  async history(id: string, before: number | undefined, limit: number, context: ReadContext = {}): Promise<BookHistoryPage> {
    await this.catchUp(context);
    const newest = before === undefined ? await this.newestVersion(id) : before - 1;
    if (newest === 0) throw new BookNotFoundError(id);
    const oldest = Math.max(1, newest - limit + 1);
    // One version more than the page, for what the oldest entry changed.
    const versions = Array.from({ length: newest - Math.max(1, oldest - 1) + 1 }, (_, i) => newest - i);
    const records = await Promise.all(versions.map((version) => this.repository.findChange(changeId(id, version))));
    if (!records[0]) throw new BookNotFoundError(id);
    const items: BookHistoryEntry[] = [];
    for (let i = 0; i < newest - oldest + 1; i++) {
      const change = records[i];
      if (!change) continue; // committed versions have no gaps; a missing one is an unfinished write
      const previous = records[i + 1]?.book ?? null;
      items.push({
        version: change.version,
        type: change.type,
        occurredAt: change.occurredAt.toISOString(),
        book: change.book ? toBook(change.book) : null,
        changes: EDITABLE_FIELDS.filter((field) => (previous?.[field] ?? null) !== (change.book?.[field] ?? null)).map((field) => ({
          field,
          from: previous ? previous[field] : null,
          to: change.book ? change.book[field] : null,
        })),
        // With its subject: the gateway shows that to admins only.
        ...(change.actor ? { actor: { name: change.actor.name, kind: change.actor.kind, subject: change.actor.subject } } : {}),
      });
    }
    return { items, next: oldest > 1 ? oldest : null };
  }

  /**
   * Brings a deleted book back with the same id, at the version after its delete, as it was
   * before the delete: an undo that keeps links and open dialogs valid. Published as
   * book.created (a create at a version above 1).
   */
  async restore(id: string, expectedVersion: number | undefined, context: WriteContext = {}): Promise<Book> {
    // From the change log, not from this replica's catalogue, which may not have the delete yet.
    const deletedAt = expectedVersion ?? (await this.newestVersion(id));
    const deletion = deletedAt > 1 ? await this.repository.findChange(changeId(id, deletedAt)) : null;
    if (deletedAt === 0 || (!deletion && expectedVersion === undefined)) throw new BookNotFoundError(id);
    if (!deletion || deletion.type !== 'deleted') {
      if (expectedVersion !== undefined) throw new VersionMismatchError(id, expectedVersion, await this.newestVersion(id));
      throw new BookNotDeletedError(id);
    }
    // Built only on a published state: the delete's event must be out (per-book event order).
    const published = await this.published(id, deletedAt, Date.now() + this.config.WRITE_DEADLINE_MS);
    if (published.version !== deletedAt || published.book) throw new VersionMismatchError(id, deletedAt, published.version);
    const before = (await this.repository.findChange(changeId(id, deletedAt - 1)))?.book;
    if (!before) throw new BookNotFoundError(id);
    const result = await this.committer.submit({
      bookId: id,
      base: { version: deletedAt, book: null },
      build: (state) => {
        if (state.version !== deletedAt || state.book) throw new VersionMismatchError(id, deletedAt, state.version);
        const now = new Date();
        return newChange('created', id, toBookDocument(id, pickEditable(before), deletedAt + 1, before.createdAt, now), context);
      },
    });
    if (result.outcome !== 'committed' || !result.change.book) throw new VersionMismatchError(id, deletedAt, deletedAt + 1);
    return toBook(result.change.book);
  }

  /** The book's newest committed version (0 if it never existed): from memory when it is live, else by probing the change log. */
  private async newestVersion(id: string): Promise<number> {
    const known = this.catalogue.get(id)?.version ?? this.states.get(id)?.version ?? 0;
    const exists = async (version: number) => (await this.repository.findChange(changeId(id, version))) !== null;
    if (known === 0 && !(await exists(1))) return 0;
    // Versions have no gaps: double past the last known one, then halve back (2 log n lookups).
    let low = Math.max(1, known);
    let step = 1;
    while (await exists(low + step)) {
      low += step;
      step *= 2;
    }
    let high = low + step; // does not exist
    while (high - low > 1) {
      const mid = (low + high) >>> 1;
      if (await exists(mid)) low = mid;
      else high = mid;
    }
    return low;
  }

  /** Waits until this replica's catalogue includes what the caller has seen (its own writes, made through any replica). */
  private async catchUp({ minPosition }: ReadContext): Promise<void> {
    if (minPosition === undefined || this.catalogue.position >= minPosition) return;
    if (await this.catalogue.waitFor(minPosition, this.config.READ_YOUR_WRITES_WAIT_MS)) return;
    // A position past the stream's end (from before it was recreated) is not waited for.
    if (await this.catalogue.isBeyondStream(minPosition).catch(() => false)) return;
    throw new ServiceUnavailableError(`This replica has not caught up with the event stream (at ${this.catalogue.position}, asked for ${minPosition}); try again`);
  }

  async create(command: CreateBookCommand, context: WriteContext = {}): Promise<Book> {
    const now = new Date();
    // A key names the book it creates: a retry of the same create takes the same version 1
    // of the same id, which only one request can commit. Nothing else is stored for the key.
    const id = command.id ?? (command.idempotencyKey ? uuidV5(command.idempotencyKey, IDEMPOTENT_CREATE_NAMESPACE) : randomUUID());
    const fingerprint = command.idempotencyKey ? fingerprintOf(command.book) : undefined;
    const change = newChange('created', id, toBookDocument(id, command.book, 1, now, now), context, { fingerprint });
    const result = await this.committer.submit({ bookId: id, base: { version: 0, book: null }, build: () => change });
    if (result.outcome === 'committed') return toBook(change.book as BookDocument);

    // A create with this id exists: an earlier request with the same key (or the same seed id).
    const original = await this.repository.findChange(changeId(id, 1));
    if (!original?.book) throw new ConcurrentChangeError(id);
    if (command.idempotencyKey && original.fingerprint !== fingerprint) throw new IdempotencyKeyReusedError();
    // Answer with what it created, once a read would see it too. Its writer may have died
    // before writing the book: a create can be applied by anyone at any time, since inserting
    // never overwrites a later version (and isApplied sees a later delete); the relay then
    // publishes its event from the dead writer's outbox.
    if (!(await this.repository.isApplied(original))) await this.repository.apply([original]);
    return toBook(original.book);
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
      newChange('deleted', id, null, context, { version: current.version + 1, occurredAt: now }),
    );
    return { id, version: before.version + 1 };
  }

  /**
   * A change to an existing book. `decide` builds it from the current state, or returns null
   * when the request changes nothing (no new version, no event).
   */
  private async write(
    id: string,
    expectedVersion: number | undefined,
    decide: (current: BookDocument, now: Date) => BookChangeDocument | null,
  ): Promise<{ before: BookDocument; change: BookChangeDocument | null }> {
    const deadline = Date.now() + this.config.WRITE_DEADLINE_MS;
    let base = await this.latest(id, expectedVersion, deadline);
    const build = (current: PublishedState): BookChangeDocument | null => {
      if (!current.book) throw new BookNotFoundError(id);
      if (expectedVersion !== undefined && current.version !== expectedVersion) {
        throw new VersionMismatchError(id, expectedVersion, current.version);
      }
      return decide(current.book, new Date());
    };
    for (;;) {
      // Checked here too, so a book that is gone or a stale If-Match never waits for a round.
      build(base);
      const result = await this.committer.submit({ bookId: id, base, build });
      if (result.outcome === 'committed') return { before: result.before.book as BookDocument, change: result.change };
      if (result.outcome === 'unchanged') return { before: result.before.book as BookDocument, change: null };
      // Another replica took the next version first.
      if (expectedVersion !== undefined) throw new VersionMismatchError(id, expectedVersion, base.version + 1);
      base = await this.published(id, base.version + 1, deadline);
    }
  }

  /**
   * The book's latest published state: from the state cache when it has the book (and, with
   * If-Match, the expected version or a later one), else from the database once that
   * version's event is out.
   */
  private async latest(id: string, expectedVersion: number | undefined, deadline: number): Promise<PublishedState> {
    const cached = this.states.get(id);
    if (cached && (expectedVersion === undefined || cached.version >= expectedVersion)) return cached;
    // The caller may have seen a version another replica published a moment ago.
    if (cached && expectedVersion !== undefined && (await this.states.waitForVersion(id, expectedVersion, Math.min(CATCH_UP_MS, remaining(deadline))))) {
      return this.states.get(id) as PublishedState;
    }
    return this.published(id, 0, deadline);
  }

  /**
   * The book's state at `atLeast` or later, once that state's event is out. This replica
   * usually hears of the event within milliseconds; if not, the database and the outboxes
   * tell: a stored version that no writer lists as unpublished is published. Waits while the
   * version is committed but not yet applied or published (its writer is at it, or the relay
   * will be after a crash), until the deadline.
   */
  private async published(id: string, atLeast: number, deadline: number): Promise<PublishedState> {
    for (;;) {
      if (atLeast > 0 && (await this.states.waitForVersion(id, atLeast, Math.min(CATCH_UP_MS, remaining(deadline))))) {
        const cached = this.states.get(id);
        if (cached) return cached;
      }
      const doc = await this.repository.findById(id);
      if (!doc) {
        if (atLeast === 0 || !(await this.outbox.isPending(changeId(id, atLeast)))) return { version: atLeast, book: null };
      } else if (doc.version >= atLeast && !(await this.outbox.isPending(changeId(id, doc.version)))) {
        this.states.remember(id, { version: doc.version, book: doc });
        return this.states.get(id) ?? { version: doc.version, book: doc };
      }
      if (remaining(deadline) === 0) throw new UnfinishedChangeError(id, Math.max(atLeast, doc?.version ?? 0));
      if (atLeast === 0) await this.states.waitForVersion(id, doc?.version ?? 1, Math.min(CATCH_UP_MS, remaining(deadline)));
    }
  }
}

function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.sort, ...position.keys])).toString('base64url');
}

function decodeCursor(cursor: string, sort: ListBooksRequest['sort']): CursorPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidPayloadError([{ field: 'cursor', message: 'Not a cursor from this catalogue' }]);
  }
  if (!Array.isArray(parsed) || parsed.length < 2) throw new InvalidPayloadError([{ field: 'cursor', message: 'Not a cursor from this catalogue' }]);
  const [cursorSort, ...keys] = parsed as [unknown, ...(string | number | null)[]];
  if (cursorSort !== sort) {
    throw new InvalidPayloadError([{ field: 'cursor', message: `This cursor continues a list sorted by ${String(cursorSort)}, not ${sort}` }]);
  }
  return { sort, keys };
}

function remaining(deadline: number): number {
  return Math.max(0, deadline - Date.now());
}

/** A change record; for created and updated books the version and time come from the book. */
function newChange(
  type: BookChangeType,
  bookId: string,
  book: BookDocument | null,
  context: WriteContext,
  { version = book?.version ?? 1, occurredAt = book?.updatedAt ?? new Date(), fingerprint }: { version?: number; occurredAt?: Date; fingerprint?: string } = {},
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
    ...(context.actor ? { actor: { subject: context.actor.subject, name: context.actor.name, kind: context.actor.kind } } : {}),
    ...(fingerprint ? { fingerprint } : {}),
    ...(context.traceparent ? { traceparent: context.traceparent } : {}),
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
