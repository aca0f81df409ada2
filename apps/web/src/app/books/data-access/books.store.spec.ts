import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import type { Book } from '@books/contracts';
import { aBook, aBookEvent } from '../testing/books.fixtures';
import { FakeBooksApi, invalid, problem } from '../testing/fake-books-api';
import { FakeEventSources } from '../testing/fake-event-source';
import { BooksStore, HIGHLIGHT_MS, REFRESH_COALESCE_MS, UNDO_WINDOW_MS } from './books.store';
import { PAGE_SIZE_STORAGE_KEY } from './page-size';
import { Toaster } from './toaster.service';

@Component({ template: '', providers: [BooksStore] })
class Host {}

describe('BooksStore', () => {
  let api: FakeBooksApi;
  let sources: FakeEventSources;
  let router: Router;
  let store: BooksStore;

  /** Lets navigations, debounces and quiet refetches run their course. */
  const settle = () => jest.advanceTimersByTimeAsync(REFRESH_COALESCE_MS);

  /** Opens the page at `url`, as a user following a link would. */
  async function openAt(url: string): Promise<void> {
    const navigated = router.navigateByUrl(url);
    await settle();
    await navigated;
    store = TestBed.createComponent(Host).debugElement.injector.get(BooksStore);
    await settle();
  }

  const titles = () => store.books().map((book) => book.title);
  const url = () => router.url;

  beforeEach(() => {
    jest.useFakeTimers();
    api = new FakeBooksApi();
    sources = new FakeEventSources();
    TestBed.configureTestingModule({
      providers: [provideRouter([{ path: '**', component: Host }]), FakeBooksApi.provide(api), sources.provide()],
    });
    router = TestBed.inject(Router);
  });

  afterEach(() => jest.useRealTimers());

  describe('the page it shows', () => {
    beforeEach(() => {
      api.seed(42, (index) => {
        const number = String(index + 1).padStart(2, '0');
        return { title: `Title ${number}`, author: `Author ${number}` };
      });
    });

    it('loads the first 8 books by author when the URL says nothing', async () => {
      await openAt('/');

      expect(api.callsTo('list')[0].request).toEqual({ offset: 0, limit: 8, sort: 'author' });
      expect(store.status()).toBe('ready');
      expect(store.books()).toHaveLength(8);
      expect(store.total()).toBe(42);
      expect(store.pageCount()).toBe(6);
    });

    it('loads the page the URL names', async () => {
      await openAt('/?page=2&size=16&sort=-title&q=title&read=false');

      expect(api.callsTo('list')[0].request).toEqual({ offset: 16, limit: 16, sort: '-title', q: 'title', read: false });
      expect(store.query()).toEqual({ page: 2, size: 16, sort: '-title', q: 'title', read: 'unread' });
    });

    it('puts each change of page, size, sort, search and filter in the URL', async () => {
      await openAt('/');

      store.goToPage(3);
      await settle();
      expect(url()).toBe('/?page=3');

      store.setPageSize(16);
      await settle();
      expect(url()).toBe('/?page=2&size=16'); // book 17, the first shown, stays in view

      store.sortBy('title');
      await settle();
      expect(url()).toBe('/?size=16&sort=title');
      store.sortBy('title');
      await settle();
      expect(url()).toBe('/?size=16&sort=-title');

      store.search('  wyndham ');
      await settle();
      expect(url()).toBe('/?size=16&sort=-title&q=wyndham');

      store.filter('read');
      await settle();
      expect(url()).toBe('/?size=16&sort=-title&q=wyndham&read=true');
    });

    it('uses the page size the user last chose when the URL names none', async () => {
      localStorage.setItem(PAGE_SIZE_STORAGE_KEY, '32');
      await openAt('/');

      expect(api.callsTo('list')[0].request).toMatchObject({ offset: 0, limit: 32 });
      store.goToPage(2);
      await settle();
      expect(url()).toBe('/?page=2');
    });

    it('goes to the last page when the URL points past it', async () => {
      await openAt('/?page=9');
      await settle();

      expect(url()).toBe('/?page=6');
      expect(titles()).toEqual(['Title 41', 'Title 42']);
    });

    it('shows an error, then loads again on retry', async () => {
      api.failWith(problem(503, 'The books service is unavailable', 'No books-service replica is reachable right now.'));
      await openAt('/');

      expect(store.status()).toBe('error');
      expect(store.errorMessage()).toBe('No books-service replica is reachable right now.');

      store.reload();
      await settle();
      expect(store.status()).toBe('ready');
      expect(store.books()).toHaveLength(8);
    });

    it('keeps the rows on screen while the next page loads', async () => {
      await openAt('/');
      api.hold();

      store.goToPage(2);
      await settle();
      expect(store.status()).toBe('loading');
      expect(titles()[0]).toBe('Title 01');

      api.release();
      expect(store.status()).toBe('ready');
      expect(titles()[0]).toBe('Title 09');
    });
  });

  describe('changes by others', () => {
    let shown: Book[];

    beforeEach(async () => {
      shown = api.seed(3, (index) => ({ author: `Author ${index + 1}`, version: 2 }));
      await openAt('/');
    });

    it('updates a row in place and highlights it', async () => {
      const renamed = { ...shown[1], title: 'Renamed', version: 3 };

      sources.latest.emit('book.updated', aBookEvent('book.updated', renamed));

      expect(titles()[1]).toBe('Renamed');
      expect(store.highlighted().has(renamed.id)).toBe(true);
      await jest.advanceTimersByTimeAsync(HIGHLIGHT_MS);
      expect(store.highlighted().has(renamed.id)).toBe(false);
    });

    it('ignores an event older than what is shown', async () => {
      sources.latest.emit('book.updated', aBookEvent('book.updated', { ...shown[0], title: 'Stale', version: 2 }));
      await settle();

      expect(titles()[0]).toBe(shown[0].title);
      expect(api.callsTo('list')).toHaveLength(1);
    });

    it('removes a deleted book in place', () => {
      sources.latest.emit('book.deleted', aBookEvent('book.deleted', { ...shown[0], version: 3 }));

      expect(titles()).toEqual([shown[1].title, shown[2].title]);
      expect(store.total()).toBe(2);
    });

    it('refetches quietly, once per burst, to place a new book', async () => {
      const created = aBook({ author: 'Author 0' });
      api.books = [...api.books, created];
      api.hold();

      sources.latest.emit('book.created', aBookEvent('book.created', created));
      sources.latest.emit('book.updated', aBookEvent('book.updated', { ...shown[2], version: 3 }));
      await settle();

      expect(store.status()).toBe('ready'); // no loading state for a quiet refetch
      api.release();
      expect(api.callsTo('list')).toHaveLength(2);
      expect(titles()[0]).toBe(created.title);
      expect(store.highlighted().has(created.id)).toBe(true);
    });

    it('catches up when the stream comes back after a gap', async () => {
      sources.latest.open();
      sources.latest.fail();
      sources.latest.open();
      await settle();

      expect(api.callsTo('list')).toHaveLength(2);
    });
  });

  describe('changes by this user', () => {
    let toaster: Toaster;
    const toasts = () => toaster.toasts().map((toast) => toast.message);

    beforeEach(async () => {
      api.seed(3, (index) => ({ title: `Title ${index + 1}`, author: `Author ${index + 1}` }));
      await openAt('/');
      toaster = TestBed.inject(Toaster);
    });

    it('adds a book with the caller’s Idempotency-Key', async () => {
      const book = { title: 'Oryx and Crake', author: 'Margaret Atwood', year: 2003, score: 8, read: true };

      const result = await store.create(book, 'key-1');

      expect(result.status).toBe('saved');
      expect(api.callsTo('create')[0]).toMatchObject({ book, idempotencyKey: 'key-1' });
      expect(toasts()).toEqual(['Added “Oryx and Crake”.']);
    });

    it('saves an edit against the version the user edited', async () => {
      const [book] = store.books();

      const result = await store.update(book.id, { ...book, title: 'New title' }, book.version);

      expect(result).toMatchObject({ status: 'saved', book: { title: 'New title', version: 2 } });
      expect(titles()[0]).toBe('New title');
      expect(toasts()).toEqual(['Saved “New title”.']);
    });

    it('says so when the saved values merged someone else’s changes', async () => {
      const [book] = store.books();

      await store.update(book.id, { ...book, title: 'Merged title' }, book.version, { merged: true });

      expect(toasts()).toEqual(['Saved “Merged title”. Merged with changes made by someone else.']);
    });

    it('reports a conflict with the current version when someone else saved first', async () => {
      const [book] = store.books();
      const theirs = { ...book, title: 'Their title', version: 2 };
      api.books = api.books.map((candidate) => (candidate.id === book.id ? theirs : candidate));

      const result = await store.update(book.id, { ...book, title: 'My title' }, 1);

      expect(result).toEqual({ status: 'conflict', theirs });
      expect(titles()[0]).toBe('Their title');
    });

    it('passes on the API’s field errors', async () => {
      const [book] = store.books();
      api.failWith(invalid({ field: 'title', message: 'Title is required' }));

      const result = await store.update(book.id, book, 1);

      expect(result).toEqual({ status: 'invalid', errors: [{ field: 'title', message: 'Title is required' }] });
    });

    it('deletes, then undoes by restoring the same book, its version continuing', async () => {
      const [book] = store.books();

      expect(await store.remove(book)).toBe(true);
      expect(api.callsTo('delete')[0]).toEqual({ method: 'delete', id: book.id, expectedVersion: 1 });
      expect(titles()).not.toContain(book.title);
      const [toast] = toaster.toasts();
      expect(toast).toMatchObject({ message: `Deleted “${book.title}”.`, action: { label: 'Undo' } });

      toaster.act(toast.id);
      await settle();

      // The delete was version 2: the restore names it, and the book comes back at 3.
      expect(api.callsTo('restore')).toEqual([{ method: 'restore', id: book.id, deleteVersion: 2 }]);
      expect(api.callsTo('create')).toEqual([]);
      expect(store.books().find((shown) => shown.title === book.title)).toMatchObject({ id: book.id, version: 3 });
      expect(toasts()).toEqual([`Restored “${book.title}”.`]);
    });

    it('says so when someone else restored the book first', async () => {
      const [book] = store.books();
      await store.remove(book);
      api.failWith(problem(409, 'The book is not deleted'));

      toaster.act(toaster.toasts()[0].id);
      await settle();

      expect(toaster.toasts()).toEqual([
        expect.objectContaining({ tone: 'info', message: `“${book.title}” is back already: someone else restored it.` }),
      ]);
    });

    it('does not restore a book someone else restored and deleted again', async () => {
      const [book] = store.books();
      await store.remove(book);
      api.failWith(problem(412, 'The book was deleted at another version'));

      toaster.act(toaster.toasts()[0].id);
      await settle();

      expect(toaster.toasts()).toEqual([
        expect.objectContaining({
          tone: 'error',
          message: `“${book.title}” was not restored: someone else restored it and deleted it again since.`,
        }),
      ]);
    });

    it('reports any other failure of the undo in words', async () => {
      const [book] = store.books();
      await store.remove(book);
      api.failWith(problem(503, 'The books service is unavailable', 'No books-service replica is reachable right now.'));

      toaster.act(toaster.toasts()[0].id);
      await settle();

      expect(toasts()).toEqual([`“${book.title}” could not be restored. No books-service replica is reachable right now.`]);
    });

    it('offers the undo for about six seconds', async () => {
      await store.remove(store.books()[0]);

      await jest.advanceTimersByTimeAsync(UNDO_WINDOW_MS - 1);
      expect(toaster.toasts()).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(1);
      expect(toaster.toasts()).toHaveLength(0);
    });

    it('offers to show a new book: newest first, page 1, no search or filter, and flashes it', async () => {
      await openAt('/?q=title&read=true&sort=-title');
      await store.create({ title: 'Oryx and Crake', author: 'Margaret Atwood', year: 2003, score: 8, read: false }, 'key-1');
      const [toast] = toaster.toasts();
      expect(toast).toMatchObject({ message: 'Added “Oryx and Crake”.', action: { label: 'Show' } });

      toaster.act(toast.id);
      await settle();

      expect(url()).toBe('/?sort=-createdAt');
      expect(titles()[0]).toBe('Oryx and Crake');
      const created = store.books()[0];
      expect(store.highlighted().has(created.id)).toBe(true);
      expect(store.revealed()).toBe(created.id);
    });

    it('shows a new book when already on the first page of newest first', async () => {
      await openAt('/?sort=-createdAt');
      await store.create({ title: 'Zone One', author: 'Colson Whitehead', year: 2011, score: null, read: false }, 'key-2');
      await jest.advanceTimersByTimeAsync(HIGHLIGHT_MS);
      expect(store.highlighted().size).toBe(0);

      toaster.act(toaster.toasts()[0].id);
      await settle();

      expect(titles()[0]).toBe('Zone One');
      expect(store.highlighted().has(store.books()[0].id)).toBe(true);
    });

    it('marks a book read from its row, over the version shown, with an undo', async () => {
      const [book] = store.books();

      const marking = store.setRead(book, true);
      expect(store.readsSaving().get(book.id)).toBe(true);
      await marking;

      expect(api.callsTo('patch')).toEqual([{ method: 'patch', id: book.id, changes: { read: true }, expectedVersion: 1 }]);
      expect(store.books()[0]).toMatchObject({ read: true, version: 2 });
      expect(store.readsSaving().size).toBe(0);
      expect(store.highlighted().has(book.id)).toBe(true);
      const [toast] = toaster.toasts();
      expect(toast).toMatchObject({ message: `Marked “${book.title}” as read.`, action: { label: 'Undo' } });

      toaster.act(toast.id);
      await settle();
      expect(api.callsTo('patch')[1]).toMatchObject({ changes: { read: false }, expectedVersion: 2 });
      expect(store.books()[0]).toMatchObject({ read: false, version: 3 });
    });

    it('puts the latest version in the row and says so when the book changed meanwhile (412)', async () => {
      const [book] = store.books();
      const theirs = { ...book, title: 'Their title', version: 2 };
      api.books = api.books.map((candidate) => (candidate.id === book.id ? theirs : candidate));

      await store.setRead(book, true);

      expect(store.books()[0]).toEqual(theirs);
      expect(store.readsSaving().size).toBe(0);
      expect(toaster.toasts()[0]).toMatchObject({ tone: 'error' });
      expect(toasts()[0]).toBe(
        `“${book.title}” was changed by someone else, so it was not marked read. Its row now shows the latest version.`,
      );
    });

    it('takes the row away when the book was deleted meanwhile', async () => {
      const [book] = store.books();
      api.books = api.books.filter((candidate) => candidate.id !== book.id);

      await store.setRead(book, true);

      expect(titles()).not.toContain(book.title);
      expect(toasts()[0]).toBe(`“${book.title}” had been deleted, so it was not marked read.`);
    });

    it('keeps the row as it was when marking fails', async () => {
      const [book] = store.books();
      api.failWith(problem(503, 'Unavailable', 'No books-service replica is reachable right now.'));

      await store.setRead(book, true);

      expect(store.books()[0].read).toBe(false);
      expect(store.readsSaving().size).toBe(0);
      expect(toasts()[0]).toBe(`“${book.title}” was not marked read. No books-service replica is reachable right now.`);
    });

    it('remembers the page size chosen, for pages opened without one', async () => {
      store.setPageSize(24);
      await settle();

      expect(localStorage.getItem(PAGE_SIZE_STORAGE_KEY)).toBe('24');
    });

    it('does not delete a book someone else changed meanwhile', async () => {
      const [book] = store.books();
      api.failWith(problem(412, 'The book was changed by someone else'));

      expect(await store.remove(book)).toBe(false);
      expect(toasts()[0]).toMatch(/was changed by someone else, so it was not deleted/);
    });
  });
});
