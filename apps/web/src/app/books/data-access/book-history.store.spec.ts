import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { aBookEvent } from '../testing/books.fixtures';
import { FakeBooksApi, problem } from '../testing/fake-books-api';
import { FakeEventSources } from '../testing/fake-event-source';
import { BookHistoryStore, HISTORY_PAGE_SIZE } from './book-history.store';

@Component({ template: '', providers: [BookHistoryStore] })
class Host {}

describe('BookHistoryStore', () => {
  let api: FakeBooksApi;
  let sources: FakeEventSources;
  let store: BookHistoryStore;

  const versions = () => store.entries().map((entry) => entry.version);

  beforeEach(() => {
    api = new FakeBooksApi();
    sources = new FakeEventSources();
    TestBed.configureTestingModule({ providers: [FakeBooksApi.provide(api), sources.provide()] });
    store = TestBed.createComponent(Host).debugElement.injector.get(BookHistoryStore);
  });

  it('loads the newest page only, however long the history', async () => {
    const book = api.seedHistory(2000);

    await store.open(book.id);

    expect(api.callsTo('history')).toEqual([{ method: 'history', id: book.id, limit: HISTORY_PAGE_SIZE }]);
    expect(versions()).toEqual(Array.from({ length: 20 }, (_, index) => 2000 - index));
    expect(store.total()).toBe(2000);
    expect(store.hasOlder()).toBe(true);
  });

  it('adds older pages below, until version 1', async () => {
    const book = api.seedHistory(45);
    await store.open(book.id);

    expect(await store.showOlder()).toBe(20);
    expect(api.callsTo('history')[1]).toMatchObject({ before: 26, limit: 20 });
    expect(await store.showOlder()).toBe(5);

    expect(versions()).toEqual(Array.from({ length: 45 }, (_, index) => 45 - index));
    expect(store.hasOlder()).toBe(false);
    expect(await store.showOlder()).toBe(0);
    expect(api.callsTo('history')).toHaveLength(3);
  });

  it('asks for one older page at a time', async () => {
    const book = api.seedHistory(45);
    await store.open(book.id);
    api.hold();

    const first = store.showOlder();
    const second = store.showOlder();
    expect(store.loadingOlder()).toBe(true);
    api.release();

    expect([await first, await second]).toEqual([20, 0]);
    expect(api.callsTo('history')).toHaveLength(2);
  });

  it('shows why the history could not be loaded, and tries again', async () => {
    const book = api.seedHistory(3);
    api.failWith(problem(503, 'The books service is unavailable', 'No books-service replica is reachable right now.'));

    await store.open(book.id);
    expect(store.status()).toBe('error');
    expect(store.errorMessage()).toBe('No books-service replica is reachable right now.');

    await store.retry();
    expect(store.status()).toBe('ready');
    expect(versions()).toEqual([3, 2, 1]);
  });

  it('says so when the book never existed', async () => {
    await store.open('00000000-0000-4000-8000-999999999999');

    expect(store.errorMessage()).toBe('This book has no history: it may never have been saved.');
  });

  it('keeps the versions shown when an older page fails, and tries again', async () => {
    const book = api.seedHistory(30);
    await store.open(book.id);
    api.failWith(problem(500, 'Internal error', 'Something went wrong.'));

    expect(await store.showOlder()).toBe(0);
    expect(store.olderErrorMessage()).toBe('Something went wrong.');
    expect(versions()).toHaveLength(20);

    expect(await store.showOlder()).toBe(10);
    expect(store.olderErrorMessage()).toBe('');
  });

  it('puts versions made while it is open on top, by anyone', async () => {
    const book = api.seedHistory(3);
    await store.open(book.id);

    const saved = await new Promise<typeof book>((resolve) => api.replace(book.id, { ...book, score: 10 }, 3).subscribe(resolve));
    sources.latest.emit('book.updated', aBookEvent('book.updated', saved));
    await new Promise((resolve) => setTimeout(resolve));

    expect(versions()).toEqual([4, 3, 2, 1]);
    expect(store.entries()[0].changes).toEqual([{ field: 'score', from: 2, to: 10 }]);
  });

  it('ignores events about versions it shows already', async () => {
    const book = api.seedHistory(3);
    await store.open(book.id);

    sources.latest.emit('book.updated', aBookEvent('book.updated', book));
    await new Promise((resolve) => setTimeout(resolve));

    expect(api.callsTo('history')).toHaveLength(1);
  });
});
