import type { Provider } from '@angular/core';
import {
  type Book,
  type BookHistoryEntry,
  type BookHistoryPage,
  type BookInput,
  EDITABLE_FIELDS,
  HISTORY_LIMITS,
  type BookPage,
  type BookPatch,
  type FieldError,
  type ImportReport,
  type ListBooksRequest,
  parseSortKey,
} from '@books/contracts';
import { Observable, Subject, defer, first, of, switchMap, throwError } from 'rxjs';
import { BooksApi, type ImportProgress } from '../data-access/books-api.service';
import { ApiError } from '../data-access/problem';
import { aBook } from './books.fixtures';

type Call =
  | { readonly method: 'list'; readonly request: ListBooksRequest }
  | { readonly method: 'get'; readonly id: string }
  | { readonly method: 'create'; readonly book: BookInput; readonly idempotencyKey: string }
  | { readonly method: 'replace'; readonly id: string; readonly book: BookInput; readonly expectedVersion: number }
  | { readonly method: 'patch'; readonly id: string; readonly changes: BookPatch; readonly expectedVersion: number }
  | { readonly method: 'delete'; readonly id: string; readonly expectedVersion: number }
  | { readonly method: 'history'; readonly id: string; readonly before?: number; readonly limit?: number }
  | { readonly method: 'restore'; readonly id: string; readonly deleteVersion: number }
  | { readonly method: 'importFile'; readonly file: Blob; readonly contentType: string };

/**
 * An in-memory catalogue behind the BooksApi interface, with the API's rules that the UI
 * depends on: sorting, search, the read filter, paging, versions and If-Match, each book's
 * history and restoring a deleted book. Imports are driven by the test, step by step (see
 * {@link FakeUpload}).
 */
export class FakeBooksApi implements Pick<BooksApi, keyof BooksApi> {
  books: Book[] = [];
  readonly calls: Call[] = [];
  /** Every import sent, newest last. */
  readonly uploads: FakeUpload[] = [];
  /** Each book's versions, oldest first, as the API's change log keeps them; deleted books too. */
  readonly histories = new Map<string, BookHistoryEntry[]>();
  private readonly failures: ApiError[] = [];
  private gate?: Subject<void>;

  static provide(api = new FakeBooksApi()): Provider {
    return { provide: BooksApi, useValue: api };
  }

  seed(count: number, make: (index: number) => Partial<Book> = () => ({})): Book[] {
    this.books = Array.from({ length: count }, (_, index) => aBook(make(index)));
    // Their history starts where they are: enough to delete, restore and open it.
    this.books.forEach((book) => this.record('created', null, book));
    return this.books;
  }

  /**
   * A book with `versions` versions: created, then its score edited each time (0, 1, 2, ...
   * wrapping at 10), a minute apart.
   */
  seedHistory(versions: number, overrides: Partial<Book> = {}): Book {
    const created = aBook({ ...overrides, score: 0, version: 1 });
    let book = created;
    this.books = [...this.books, created];
    this.record('created', null, created);
    for (let version = 2; version <= versions; version += 1) {
      const at = new Date(Date.parse(created.createdAt) + (version - 1) * 60_000).toISOString();
      const next: Book = { ...book, score: (version - 1) % 11, version, updatedAt: at };
      this.record('updated', book, next);
      book = next;
    }
    this.books = this.books.map((candidate) => (candidate.id === book.id ? book : candidate));
    return book;
  }

  /** The next calls fail with these errors, in order. */
  failWith(...errors: ApiError[]): void {
    this.failures.push(...errors);
  }

  /** Answers wait until `release()`, to see what the UI shows meanwhile. */
  hold(): void {
    this.gate = new Subject<void>();
  }

  release(): void {
    const gate = this.gate;
    this.gate = undefined;
    gate?.next();
  }

  /** The latest import sent. */
  get upload(): FakeUpload {
    const upload = this.uploads.at(-1);
    if (!upload) throw new Error('No file has been imported');
    return upload;
  }

  callsTo<M extends Call['method']>(method: M): Extract<Call, { method: M }>[] {
    return this.calls.filter((call): call is Extract<Call, { method: M }> => call.method === method);
  }

  list(request: ListBooksRequest): Observable<BookPage> {
    return this.answer({ method: 'list', request }, () => {
      const { field, direction } = parseSortKey(request.sort);
      const q = request.q?.toLowerCase();
      const matching = this.books
        .filter((book) => !q || `${book.title} ${book.author}`.toLowerCase().includes(q))
        .filter((book) => request.read === undefined || book.read === request.read)
        .sort((a, b) => direction * compare(a[field], b[field]));
      const items = matching.slice(request.offset, request.offset + request.limit);
      return { items, total: matching.length, offset: request.offset, limit: request.limit, nextCursor: null };
    });
  }

  get(id: string): Observable<Book> {
    return this.answer({ method: 'get', id }, () => this.find(id));
  }

  create(book: BookInput, idempotencyKey: string): Observable<Book> {
    return this.answer({ method: 'create', book, idempotencyKey }, () => {
      const created = aBook({ ...book, version: 1 });
      this.books = [...this.books, created];
      this.record('created', null, created);
      return created;
    });
  }

  replace(id: string, book: BookInput, expectedVersion: number): Observable<Book> {
    return this.answer({ method: 'replace', id, book, expectedVersion }, () => {
      const before = this.current(id, expectedVersion);
      const saved = { ...before, ...book, version: expectedVersion + 1 };
      this.books = this.books.map((candidate) => (candidate.id === id ? saved : candidate));
      this.record('updated', before, saved);
      return saved;
    });
  }

  patch(id: string, changes: BookPatch, expectedVersion: number): Observable<Book> {
    return this.answer({ method: 'patch', id, changes, expectedVersion }, () => {
      const saved = { ...this.current(id, expectedVersion), ...changes, version: expectedVersion + 1 };
      this.books = this.books.map((candidate) => (candidate.id === id ? saved : candidate));
      return saved;
    });
  }

  delete(id: string, expectedVersion: number): Observable<void> {
    return this.answer({ method: 'delete', id, expectedVersion }, () => {
      const before = this.current(id, expectedVersion);
      this.books = this.books.filter((book) => book.id !== id);
      this.record('deleted', before, null);
    });
  }

  history(id: string, page: { readonly before?: number; readonly limit?: number } = {}): Observable<BookHistoryPage> {
    return this.answer({ method: 'history', id, ...page }, () => {
      const entries = this.histories.get(id);
      if (!entries) throw problem(404, 'Not found');
      const limit = page.limit ?? HISTORY_LIMITS.defaultLimit;
      const items = entries
        .filter((entry) => page.before === undefined || entry.version < page.before)
        .reverse()
        .slice(0, limit);
      const oldest = items.at(-1)?.version ?? 1;
      return { items, next: oldest > 1 ? oldest : null };
    });
  }

  restore(id: string, deleteVersion: number): Observable<Book> {
    return this.answer({ method: 'restore', id, deleteVersion }, () => {
      const last = this.histories.get(id)?.at(-1);
      if (!last) throw problem(404, 'Not found');
      if (last.type !== 'deleted') throw problem(409, 'The book is not deleted');
      if (last.version !== deleteVersion) throw problem(412, 'The book was deleted at another version');
      const before = [...(this.histories.get(id) ?? [])].reverse().find((entry) => entry.book)?.book as Book;
      const restored = { ...before, version: deleteVersion + 1 };
      this.books = [...this.books, restored];
      this.record('created', null, restored);
      return restored;
    });
  }

  importFile(file: Blob, contentType: string): Observable<ImportProgress> {
    this.calls.push({ method: 'importFile', file, contentType });
    const upload = new FakeUpload(file.size, (books) => (this.books = [...this.books, ...books.map((book) => aBook(book))]));
    this.uploads.push(upload);
    return upload.progress$;
  }

  private answer<T>(call: Call, result: () => T): Observable<T> {
    this.calls.push(call);
    const failure = this.failures.shift();
    const response = defer(() => (failure ? throwError(() => failure) : of(result())));
    const gate = this.gate;
    return gate ? gate.pipe(first(), switchMap(() => response)) : response;
  }

  /** Adds a version to the book's history, with the fields that differ from the one before. */
  private record(type: BookHistoryEntry['type'], before: Book | null, after: Book | null): void {
    const book = after ?? before;
    if (!book) return;
    const entries = this.histories.get(book.id) ?? [];
    // As the API reports them: a create lists the fields with a value, a delete every field, to null.
    const changes = EDITABLE_FIELDS.filter((field) => (before?.[field] ?? null) !== (after?.[field] ?? null)).map((field) => ({
      field,
      from: before?.[field] ?? null,
      to: after?.[field] ?? null,
    }));
    const version = after?.version ?? (before?.version ?? 0) + 1;
    const occurredAt = after?.updatedAt ?? new Date(Date.parse(book.updatedAt) + 60_000).toISOString();
    this.histories.set(book.id, [...entries, { version, type, occurredAt, book: after, changes }]);
  }

  private find(id: string): Book {
    const book = this.books.find((candidate) => candidate.id === id);
    if (!book) throw problem(404, 'Not found');
    return book;
  }

  private current(id: string, expectedVersion: number): Book {
    const book = this.find(id);
    if (book.version !== expectedVersion) throw problem(412, 'The book was changed by someone else');
    return book;
  }
}

/**
 * One import on its way: the test moves it on (bytes sent, the API reading, its report or a
 * failure) and sees whether the app aborted it.
 */
export class FakeUpload {
  /** The app unsubscribed before the answer: the upload was aborted. */
  aborted = false;
  private answered = false;
  private readonly observers: { next: (progress: ImportProgress) => void; error: (error: unknown) => void; complete: () => void }[] = [];

  readonly progress$ = new Observable<ImportProgress>((observer) => {
    this.observers.push(observer);
    return () => {
      if (!this.answered) this.aborted = true;
    };
  });

  constructor(
    readonly size: number,
    private readonly addBooks: (books: Partial<Book>[]) => void,
  ) {}

  sent(loaded: number): void {
    this.emit(loaded < this.size ? { phase: 'uploading', loaded, total: this.size } : { phase: 'processing' });
  }

  /** The API's answer; `books` join the catalogue, as the API would have saved them. */
  finish(report: Partial<ImportReport> = {}, books: Partial<Book>[] = []): void {
    this.answered = true;
    this.addBooks(books);
    const full = { received: 0, created: 0, updated: 0, unchanged: 0, rejected: 0, rejections: [], ...report };
    this.emit({ phase: 'done', report: full });
    this.observers.forEach((observer) => observer.complete());
  }

  fail(error: ApiError): void {
    this.answered = true;
    this.observers.forEach((observer) => observer.error(error));
  }

  private emit(progress: ImportProgress): void {
    this.observers.forEach((observer) => observer.next(progress));
  }
}

export function problem(status: number, title: string, detail = title): ApiError {
  return new ApiError({ status, title, detail });
}

/** The API's 400, with what is wrong with which field. */
export function invalid(...fieldErrors: FieldError[]): ApiError {
  const detail = 'One or more fields are not valid; see errors.';
  return new ApiError({ status: 400, title: 'The request is not valid', detail, fieldErrors });
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return typeof a === 'string' ? a.localeCompare(b as string) : (a as number) - (b as number);
}
