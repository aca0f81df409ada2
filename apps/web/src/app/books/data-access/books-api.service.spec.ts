import { HttpEventType, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { aBook } from '../testing/books.fixtures';
import { apiErrorsInterceptor } from './api-errors.interceptor';
import { BooksApi, exportUrl } from './books-api.service';
import { ApiError } from './problem';

describe('BooksApi', () => {
  let api: BooksApi;
  let http: HttpTestingController;
  const input = { title: 'The Road', author: 'Cormac McCarthy', year: 2006, score: 9, read: true };

  beforeEach(() => {
    TestBed.configureTestingModule({
      providers: [provideHttpClient(withInterceptors([apiErrorsInterceptor])), provideHttpClientTesting()],
    });
    api = TestBed.inject(BooksApi);
    http = TestBed.inject(HttpTestingController);
  });

  afterEach(() => http.verify());

  it('lists a page with paging, sorting, search and the read filter as query parameters', async () => {
    const page = firstValueFrom(api.list({ offset: 8, limit: 8, sort: '-year', q: 'road', read: false }));

    const request = http.expectOne((candidate) => candidate.url === '/api/books');
    expect(request.request.params.toString()).toBe('offset=8&limit=8&sort=-year&q=road&read=false');
    request.flush({ items: [], total: 0, offset: 8, limit: 8 });
    expect(await page).toEqual({ items: [], total: 0, offset: 8, limit: 8 });
  });

  it('leaves out an empty search and a missing filter', () => {
    api.list({ offset: 0, limit: 8, sort: 'author' }).subscribe();

    expect(http.expectOne('/api/books?offset=0&limit=8&sort=author').request.method).toBe('GET');
  });

  it('creates with the Idempotency-Key it is given', () => {
    api.create(input, 'key-1').subscribe();

    const request = http.expectOne('/api/books');
    expect(request.request.method).toBe('POST');
    expect(request.request.headers.get('Idempotency-Key')).toBe('key-1');
    expect(request.request.body).toEqual(input);
    request.flush(aBook(input), { status: 201, statusText: 'Created' });
  });

  it('replaces with If-Match naming the version the user edited', () => {
    const book = aBook({ version: 4 });
    api.replace(book.id, input, 4).subscribe();

    const request = http.expectOne(`/api/books/${book.id}`);
    expect(request.request.method).toBe('PUT');
    expect(request.request.headers.get('If-Match')).toBe('"4"');
    request.flush({ ...book, ...input, version: 5 });
  });

  it('deletes with If-Match', () => {
    const book = aBook({ version: 2 });
    api.delete(book.id, 2).subscribe();

    const request = http.expectOne(`/api/books/${book.id}`);
    expect(request.request.method).toBe('DELETE');
    expect(request.request.headers.get('If-Match')).toBe('"2"');
    request.flush(null, { status: 204, statusText: 'No Content' });
  });

  it('reads a page of history, older than a version when asked', async () => {
    const book = aBook({ version: 45 });
    const first = firstValueFrom(api.history(book.id));
    http.expectOne(`/api/books/${book.id}/history`).flush({ items: [], next: 25 });
    expect(await first).toEqual({ items: [], next: 25 });

    api.history(book.id, { before: 25, limit: 20 }).subscribe();
    const older = http.expectOne((candidate) => candidate.url === `/api/books/${book.id}/history`);
    expect(older.request.params.toString()).toBe('before=25&limit=20');
    older.flush({ items: [], next: null });
  });

  it('restores with If-Match naming the version of the delete', () => {
    const book = aBook({ version: 3 });
    api.restore(book.id, 4).subscribe();

    const request = http.expectOne(`/api/books/${book.id}/restore`);
    expect(request.request.method).toBe('POST');
    expect(request.request.headers.get('If-Match')).toBe('"4"');
    request.flush({ ...book, version: 5 });
  });

  it('fails with the problem the API answered', async () => {
    const book = aBook();
    const saved = firstValueFrom(api.replace(book.id, input, 1));

    http.expectOne(`/api/books/${book.id}`).flush(
      {
        type: 'urn:books-catalogue:problem:version-mismatch',
        title: 'The book was changed by someone else',
        status: 412,
        detail: 'Version 2 is current.',
      },
      { status: 412, statusText: 'Precondition Failed', headers: { 'Content-Type': 'application/problem+json' } },
    );

    const error = await saved.catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 412, detail: 'Version 2 is current.' });
  });

  it('fails as unreachable when the network does', async () => {
    const page = firstValueFrom(api.get(aBook().id));

    http.expectOne(() => true).error(new ProgressEvent('error'), { status: 0 });

    await expect(page).rejects.toMatchObject({ unreachable: true });
  });

  describe('importFile', () => {
    const file = new File(['title,author\nDune,Frank Herbert\n'], 'books.csv', { type: 'text/csv' });
    const report = { received: 1, created: 1, updated: 0, unchanged: 0, rejected: 0, rejections: [] };

    it('posts the file as it is, with its content type, and follows the upload to the report', async () => {
      const progress = firstValueFrom(api.importFile(file, 'text/csv').pipe(toArray()));

      const request = http.expectOne('/api/books/import');
      expect(request.request.method).toBe('POST');
      expect(request.request.body).toBe(file);
      expect(request.request.headers.get('Content-Type')).toBe('text/csv');
      expect(request.request.reportProgress).toBe(true);
      // The testing backend has sent HttpEventType.Sent already.
      request.event({ type: HttpEventType.UploadProgress, loaded: 10, total: file.size });
      request.event({ type: HttpEventType.UploadProgress, loaded: file.size, total: file.size });
      request.event({ type: HttpEventType.DownloadProgress, loaded: 20 });
      request.flush(report);

      expect(await progress).toEqual([
        { phase: 'uploading', loaded: 0, total: file.size },
        { phase: 'uploading', loaded: 10, total: file.size },
        { phase: 'processing' },
        { phase: 'processing' },
        { phase: 'done', report },
      ]);
    });

    it('takes the file’s size when the browser cannot tell the total', async () => {
      const progress = firstValueFrom(api.importFile(file, 'text/csv').pipe(toArray()));

      const request = http.expectOne('/api/books/import');
      request.event({ type: HttpEventType.UploadProgress, loaded: 5 });
      request.flush(report);

      expect((await progress)[1]).toEqual({ phase: 'uploading', loaded: 5, total: file.size });
    });

    it('aborts the upload when unsubscribed', () => {
      const subscription = api.importFile(file, 'text/csv').subscribe();
      const request = http.expectOne('/api/books/import');

      subscription.unsubscribe();

      expect(request.cancelled).toBe(true);
    });

    it('fails with the problem the API answered', async () => {
      const progress = lastValueFrom(api.importFile(file, 'text/csv'));

      http.expectOne('/api/books/import').flush(
        { title: 'The request body is too large', status: 413, detail: 'The request body is larger than the server accepts.' },
        { status: 413, statusText: 'Payload Too Large' },
      );

      await expect(progress).rejects.toMatchObject({ status: 413, title: 'The request body is too large' });
    });
  });

  it('links each export format to its download', () => {
    expect(exportUrl('csv')).toBe('/api/books/export?format=csv');
    expect(exportUrl('ndjson')).toBe('/api/books/export?format=ndjson');
  });
});
