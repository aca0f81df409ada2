import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { FakeBooksApi, problem } from '../testing/fake-books-api';
import { FakeEventSources } from '../testing/fake-event-source';
import { BookImportStore, type CompletedImport } from './book-import.store';
import { BooksStore } from './books.store';
import { ApiError } from './problem';
import { Toaster } from './toaster.service';

describe('BookImportStore', () => {
  let api: FakeBooksApi;
  let imports: BookImportStore;
  let refresh: jest.SpyInstance;
  const file = new File(['title,author\nDune,Frank Herbert\n'.repeat(10)], 'books.csv', { type: 'text/csv' });

  beforeEach(() => {
    api = new FakeBooksApi();
    TestBed.configureTestingModule({
      providers: [provideRouter([]), FakeBooksApi.provide(api), new FakeEventSources().provide(), BooksStore, BookImportStore],
    });
    imports = TestBed.inject(BookImportStore);
    refresh = jest.spyOn(TestBed.inject(BooksStore), 'refresh');
  });

  it('sends the file with the content type its name calls for', () => {
    void imports.start(new File(['{}'], 'books.jsonl'));

    expect(api.callsTo('importFile')).toEqual([expect.objectContaining({ contentType: 'application/x-ndjson' })]);
  });

  it('shows the bytes uploaded, then processing, then resolves to the report and refreshes the page', async () => {
    const done = imports.start(file);
    expect(imports.state()).toEqual({ status: 'uploading', fileName: 'books.csv', loaded: 0, total: file.size });
    expect(imports.busy()).toBe(true);

    api.upload.sent(100);
    expect(imports.state()).toEqual({ status: 'uploading', fileName: 'books.csv', loaded: 100, total: file.size });

    api.upload.sent(file.size);
    expect(imports.state()).toEqual({ status: 'processing', fileName: 'books.csv' });
    expect(refresh).not.toHaveBeenCalled();

    api.upload.finish({ received: 10, created: 9, unchanged: 1 });
    expect(await done).toEqual<CompletedImport>({
      fileName: 'books.csv',
      report: { received: 10, created: 9, updated: 0, unchanged: 1, rejected: 0, rejections: [] },
    });
    expect(imports.state()).toEqual({ status: 'idle' });
    expect(imports.busy()).toBe(false);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('runs one import at a time', async () => {
    void imports.start(file);

    expect(await imports.start(new File(['x'], 'other.csv'))).toBeUndefined();
    expect(api.uploads).toHaveLength(1);
  });

  it('refuses a file the API cannot read without sending it', async () => {
    expect(await imports.start(new File(['x'], 'books.xlsx'))).toBeUndefined();

    expect(api.uploads).toEqual([]);
    expect(imports.state()).toMatchObject({ status: 'failed', retryable: false, message: expect.stringMatching(/^“books\.xlsx” is not a file/) });
    expect(refresh).not.toHaveBeenCalled();
  });

  it('says why an import failed, and refreshes in case some books were saved', async () => {
    const done = imports.start(file);

    api.upload.fail(problem(413, 'The request body is too large'));

    expect(await done).toBeUndefined();
    expect(imports.state()).toEqual({
      status: 'failed',
      fileName: 'books.csv',
      message: '“books.csv” is too large to import. Split it into smaller files and import them one at a time.',
      retryable: false,
    });
    expect(refresh).toHaveBeenCalledTimes(1);

    imports.dismiss();
    expect(imports.state()).toEqual({ status: 'idle' });
  });

  it('tries the same file again after a failure that may pass', async () => {
    void imports.start(file);
    api.upload.fail(new ApiError({ status: 0, title: '', detail: '', unreachable: true }));
    expect(imports.state()).toMatchObject({ status: 'failed', retryable: true });

    const done = imports.retry();
    expect(api.callsTo('importFile').map((call) => call.file)).toEqual([file, file]);
    api.upload.finish({ received: 10, unchanged: 10 });

    expect(await done).toMatchObject({ report: { unchanged: 10 } });
  });

  it('aborts the upload on cancel, says what that means, and refreshes', async () => {
    const done = imports.start(file);
    api.upload.sent(100);

    imports.cancel();

    expect(api.upload.aborted).toBe(true);
    expect(await done).toBeUndefined();
    expect(imports.state()).toEqual({ status: 'idle' });
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(TestBed.inject(Toaster).toasts()).toEqual([
      expect.objectContaining({ tone: 'info', message: expect.stringMatching(/^Import of “books\.csv” cancelled\. .*will not add them twice\.$/) }),
    ]);
  });

  it('does not count a finished import as aborted', async () => {
    const done = imports.start(file);
    api.upload.finish();
    await done;

    imports.cancel();

    expect(api.upload.aborted).toBe(false);
    expect(TestBed.inject(Toaster).toasts()).toEqual([]);
  });
});
