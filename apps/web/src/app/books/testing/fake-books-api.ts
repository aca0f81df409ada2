import type { Provider } from '@angular/core';
import { type Book, type BookInput, type BookPage, type FieldError, type ListBooksRequest, parseSortKey } from '@books/contracts';
import { type Observable, Subject, defer, first, of, switchMap, throwError } from 'rxjs';
import { BooksApi } from '../data-access/books-api.service';
import { ApiError } from '../data-access/problem';
import { aBook } from './books.fixtures';

type Call =
  | { readonly method: 'list'; readonly request: ListBooksRequest }
  | { readonly method: 'get'; readonly id: string }
  | { readonly method: 'create'; readonly book: BookInput; readonly idempotencyKey: string }
  | { readonly method: 'replace'; readonly id: string; readonly book: BookInput; readonly expectedVersion: number }
  | { readonly method: 'delete'; readonly id: string; readonly expectedVersion: number };

/**
 * An in-memory catalogue behind the BooksApi interface, with the API's rules that the UI
 * depends on: sorting, search, the read filter, paging, versions and If-Match.
 */
export class FakeBooksApi implements Pick<BooksApi, keyof BooksApi> {
  books: Book[] = [];
  readonly calls: Call[] = [];
  private readonly failures: ApiError[] = [];
  private gate?: Subject<void>;

  static provide(api = new FakeBooksApi()): Provider {
    return { provide: BooksApi, useValue: api };
  }

  seed(count: number, make: (index: number) => Partial<Book> = () => ({})): Book[] {
    this.books = Array.from({ length: count }, (_, index) => aBook(make(index)));
    return this.books;
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
      return created;
    });
  }

  replace(id: string, book: BookInput, expectedVersion: number): Observable<Book> {
    return this.answer({ method: 'replace', id, book, expectedVersion }, () => {
      const saved = { ...this.current(id, expectedVersion), ...book, version: expectedVersion + 1 };
      this.books = this.books.map((candidate) => (candidate.id === id ? saved : candidate));
      return saved;
    });
  }

  delete(id: string, expectedVersion: number): Observable<void> {
    return this.answer({ method: 'delete', id, expectedVersion }, () => {
      this.current(id, expectedVersion);
      this.books = this.books.filter((book) => book.id !== id);
    });
  }

  private answer<T>(call: Call, result: () => T): Observable<T> {
    this.calls.push(call);
    const failure = this.failures.shift();
    const response = defer(() => (failure ? throwError(() => failure) : of(result())));
    const gate = this.gate;
    return gate ? gate.pipe(first(), switchMap(() => response)) : response;
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
