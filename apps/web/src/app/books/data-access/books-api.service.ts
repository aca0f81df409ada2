import { HttpClient, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type { Book, BookInput, BookPage, ListBooksRequest } from '@books/contracts';
import type { Observable } from 'rxjs';

export const BOOKS_URL = '/api/books';

/**
 * The REST API of the catalogue, one method per call. Failures arrive as `ApiError`
 * (see the api-errors interceptor).
 */
@Injectable({ providedIn: 'root' })
export class BooksApi {
  private readonly http = inject(HttpClient);

  list(request: ListBooksRequest): Observable<BookPage> {
    let params = new HttpParams().set('offset', request.offset).set('limit', request.limit).set('sort', request.sort);
    if (request.q) params = params.set('q', request.q);
    if (request.read !== undefined) params = params.set('read', request.read);
    return this.http.get<BookPage>(BOOKS_URL, { params });
  }

  get(id: string): Observable<Book> {
    return this.http.get<Book>(bookUrl(id));
  }

  /** The same key and body never create a second book, so a retried click is safe. */
  create(book: BookInput, idempotencyKey: string): Observable<Book> {
    return this.http.post<Book>(BOOKS_URL, book, { headers: { 'Idempotency-Key': idempotencyKey } });
  }

  /** Replaces the editable fields, only if the book is still at `expectedVersion` (else 412). */
  replace(id: string, book: BookInput, expectedVersion: number): Observable<Book> {
    return this.http.put<Book>(bookUrl(id), book, { headers: { 'If-Match': etag(expectedVersion) } });
  }

  /** Deletes the book, only if it is still at `expectedVersion` (else 412). */
  delete(id: string, expectedVersion: number): Observable<void> {
    return this.http.delete<void>(bookUrl(id), { headers: { 'If-Match': etag(expectedVersion) } });
  }
}

function bookUrl(id: string): string {
  return `${BOOKS_URL}/${encodeURIComponent(id)}`;
}

/** The API's ETag for a book is its version, quoted. */
function etag(version: number): string {
  return `"${version}"`;
}
