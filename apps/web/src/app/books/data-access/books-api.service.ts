import { HttpClient, type HttpEvent, HttpEventType, HttpParams } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import type {
  Book,
  BookHistoryPage,
  BookInput,
  BookPage,
  BookPatch,
  ExportFormat,
  ImportReport,
  ListBooksRequest,
} from '@books/contracts';
import { type Observable, filter, map } from 'rxjs';

export const BOOKS_URL = '/api/books';
export const IMPORT_URL = `${BOOKS_URL}/import`;
export const EXPORT_URL = `${BOOKS_URL}/export`;

/** Where an import is: the file going up, then the API reading and saving it, then its report. */
export type ImportProgress =
  | { readonly phase: 'uploading'; readonly loaded: number; readonly total: number }
  | { readonly phase: 'processing' }
  | { readonly phase: 'done'; readonly report: ImportReport };

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

  /** Changes some fields, only if the book is still at `expectedVersion` (else 412). */
  patch(id: string, changes: BookPatch, expectedVersion: number): Observable<Book> {
    return this.http.patch<Book>(bookUrl(id), changes, { headers: { 'If-Match': etag(expectedVersion) } });
  }

  /** Deletes the book, only if it is still at `expectedVersion` (else 412). */
  delete(id: string, expectedVersion: number): Observable<void> {
    return this.http.delete<void>(bookUrl(id), { headers: { 'If-Match': etag(expectedVersion) } });
  }

  /**
   * A page of the book's versions, newest first; `before` is the `next` of the page before.
   * Deleted books keep their history.
   */
  history(id: string, page: { readonly before?: number; readonly limit?: number } = {}): Observable<BookHistoryPage> {
    let params = new HttpParams();
    if (page.before !== undefined) params = params.set('before', page.before);
    if (page.limit !== undefined) params = params.set('limit', page.limit);
    return this.http.get<BookHistoryPage>(`${bookUrl(id)}/history`, { params });
  }

  /**
   * Brings a deleted book back with the same id, at the version after the delete, only if it
   * is still deleted at `deleteVersion` (else 412; 409 when it is not deleted at all).
   */
  restore(id: string, deleteVersion: number): Observable<Book> {
    return this.http.post<Book>(`${bookUrl(id)}/restore`, null, { headers: { 'If-Match': etag(deleteVersion) } });
  }

  /**
   * Sends a file to import as it is, streamed by the browser from disk, and follows it: bytes
   * uploaded, then the wait while the API reads and saves it, then its report. Unsubscribing
   * aborts the upload.
   */
  importFile(file: Blob, contentType: string): Observable<ImportProgress> {
    return this.http
      .post<ImportReport>(IMPORT_URL, file, { headers: { 'Content-Type': contentType }, reportProgress: true, observe: 'events' })
      .pipe(
        map((event) => importProgress(event, file.size)),
        filter((progress): progress is ImportProgress => progress !== undefined),
      );
  }
}

/** A plain link downloads the whole catalogue: the API names the file (Content-Disposition). */
export function exportUrl(format: ExportFormat): string {
  return `${EXPORT_URL}?format=${format}`;
}

const EMPTY_REPORT: ImportReport = { received: 0, created: 0, updated: 0, unchanged: 0, rejected: 0, rejections: [] };

function importProgress(event: HttpEvent<ImportReport>, size: number): ImportProgress | undefined {
  switch (event.type) {
    case HttpEventType.Sent:
      return { phase: 'uploading', loaded: 0, total: size };
    case HttpEventType.UploadProgress: {
      const total = event.total ?? size;
      return event.loaded < total ? { phase: 'uploading', loaded: event.loaded, total } : { phase: 'processing' };
    }
    case HttpEventType.ResponseHeader:
    case HttpEventType.DownloadProgress:
      return { phase: 'processing' };
    case HttpEventType.Response:
      return { phase: 'done', report: { ...EMPTY_REPORT, ...event.body, rejections: event.body?.rejections ?? [] } };
    default:
      return undefined;
  }
}

function bookUrl(id: string): string {
  return `${BOOKS_URL}/${encodeURIComponent(id)}`;
}

/** The API's ETag for a book is its version, quoted. */
function etag(version: number): string {
  return `"${version}"`;
}
