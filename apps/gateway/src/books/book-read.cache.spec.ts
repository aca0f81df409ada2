import { Subject } from 'rxjs';
import type { Book, BookEvent, BookPage, ListBooksRequest } from '@books/contracts';
import type { NatsConnectionManager } from '@books/nats-rpc';
import type { GatewayConfig } from '../config/gateway.config';
import type { BookEventsFeed, SequencedEvent } from '../events/book-events.feed';
import { BookReadCache } from './book-read.cache';

function setup({ maxEntries = 100 } = {}) {
  const events = new Subject<SequencedEvent>();
  const connection = new Subject<boolean>();
  const skipped = new Subject<number>();
  const feed = { following: true, liveEvents: events.asObservable(), skippedEvents: skipped.asObservable() };
  const nats = { connected: true, connectionChanges: connection.asObservable() };
  const config = { READ_CACHE: true, READ_CACHE_MAX_ENTRIES: maxEntries } as GatewayConfig;
  const sut = new BookReadCache(config, feed as unknown as BookEventsFeed, nats as unknown as NatsConnectionManager);
  sut.onModuleInit();
  const event = (bookId: string, seq = 1) => events.next({ seq, event: { bookId } as BookEvent });
  return { sut, feed, nats, event, disconnect: () => connection.next(false), skip: (seq: number) => skipped.next(seq) };
}

const book = (version: number) => ({ id: 'b1', version }) as Book;
const page = (total: number) => ({ items: [], total, offset: 0, limit: 8, nextCursor: null }) as BookPage;
const request: ListBooksRequest = { offset: 0, limit: 8, sort: 'author' };

/** A load function that counts its calls and can be held until released. */
function loader<T>(value: () => T) {
  const calls: Array<() => void> = [];
  const load = jest.fn(() => new Promise<T>((resolve) => calls.push(() => resolve(value()))));
  return { load, releaseAll: () => calls.splice(0).forEach((release) => release()) };
}

describe(BookReadCache.name, () => {
  it('answers a repeated read from memory', async () => {
    const { sut } = setup();
    const load = jest.fn(async () => book(1));
    await sut.book('b1', load);
    expect(await sut.book('b1', load)).toEqual(book(1));
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('keeps pages reached by different cursors apart', async () => {
    const { sut } = setup();
    const load = jest.fn(async () => page(1));
    await sut.list(request, load);
    await sut.list({ ...request, cursor: 'WyJhdXRob3IiXQ' }, load);
    await sut.list({ ...request, cursor: 'WyJhdXRob3IiXQ' }, load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('drops a book, and every list page, when an event about it arrives', async () => {
    const { sut, event } = setup();
    let version = 1;
    const loadBook = jest.fn(async () => book(version));
    const loadPage = jest.fn(async () => page(version));
    await sut.book('b1', loadBook);
    await sut.list(request, loadPage);
    version = 2;
    event('b1');
    expect(await sut.book('b1', loadBook)).toEqual(book(2));
    expect(await sut.list(request, loadPage)).toEqual(page(2));
  });

  it('does not keep a read that an event overtook while it was in flight', async () => {
    const { sut, event } = setup();
    let version = 1;
    const { load, releaseAll } = loader(() => book(version));
    const first = sut.book('b1', load);
    event('b1');
    releaseAll();
    expect(await first).toEqual(book(1));
    version = 2;
    const second = sut.book('b1', load);
    releaseAll();
    expect(await second).toEqual(book(2));
  });

  it('shares one load between identical reads made at the same time', async () => {
    const { sut } = setup();
    const { load, releaseAll } = loader(() => page(42));
    const reads = [sut.list(request, load), sut.list(request, load), sut.list({ ...request }, load)];
    releaseAll();
    expect(await Promise.all(reads)).toEqual([page(42), page(42), page(42)]);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('is bypassed while the gateway does not follow the event stream', async () => {
    const { sut, feed } = setup();
    feed.following = false;
    const load = jest.fn(async () => book(1));
    await sut.book('b1', load);
    await sut.book('b1', load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('forgets everything when NATS disconnects, since events may be missed', async () => {
    const { sut, nats, disconnect } = setup();
    const load = jest.fn(async () => book(1));
    await sut.book('b1', load);
    nats.connected = false;
    disconnect();
    nats.connected = true;
    await sut.book('b1', load);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('forgets everything when the feed skips a message that is not a valid event', async () => {
    const { sut, skip } = setup();
    const loadBook = jest.fn(async () => book(1));
    const loadPage = jest.fn(async () => page(1));
    await sut.book('b1', loadBook);
    await sut.list(request, loadPage);
    skip(7);
    await sut.book('b1', loadBook);
    await sut.list(request, loadPage);
    expect(loadBook).toHaveBeenCalledTimes(2);
    expect(loadPage).toHaveBeenCalledTimes(2);
  });

  it('keeps at most the configured number of entries, dropping the oldest', async () => {
    const { sut } = setup({ maxEntries: 2 });
    const load = jest.fn(async () => page(1));
    for (const offset of [0, 8, 16]) await sut.list({ ...request, offset }, load);
    await sut.list({ ...request, offset: 16 }, load);
    expect(load).toHaveBeenCalledTimes(3);
    await sut.list({ ...request, offset: 0 }, load);
    expect(load).toHaveBeenCalledTimes(4);
  });
});
