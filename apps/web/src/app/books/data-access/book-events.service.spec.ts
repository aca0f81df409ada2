import { TestBed } from '@angular/core/testing';
import type { BookEvent } from '@books/contracts';
import { aBook, aBookEvent } from '../testing/books.fixtures';
import { FakeEventSources } from '../testing/fake-event-source';
import { BOOK_EVENTS_URL, BookEvents, RECONNECT_DELAY, parseBookEvent } from './book-events.service';

describe('BookEvents', () => {
  let sources: FakeEventSources;
  let events: BookEvents;

  beforeEach(() => {
    jest.useFakeTimers();
    sources = new FakeEventSources();
    TestBed.configureTestingModule({ providers: [sources.provide()] });
    events = TestBed.inject(BookEvents);
  });

  afterEach(() => jest.useRealTimers());

  it('opens the stream and says when it is live', () => {
    expect(sources.latest.url).toBe(BOOK_EVENTS_URL);
    expect(events.status()).toBe('connecting');

    sources.latest.open();

    expect(events.status()).toBe('live');
  });

  it('passes on each kind of book event, validated', () => {
    const received: BookEvent[] = [];
    events.changes$.subscribe((event) => received.push(event));
    const book = aBook({ version: 2 });

    sources.latest.emit('book.created', aBookEvent('book.created', { ...book, version: 1 }));
    sources.latest.emit('book.updated', aBookEvent('book.updated', book));
    sources.latest.emit('book.deleted', aBookEvent('book.deleted', { ...book, version: 3 }));

    expect(received.map((event) => [event.type, event.version])).toEqual([
      ['book.created', 1],
      ['book.updated', 2],
      ['book.deleted', 3],
    ]);
  });

  it('skips, counts and logs messages that are not book events, and keeps going', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const received = jest.fn();
    events.changes$.subscribe(received);

    sources.latest.emit('book.updated', 'not json', '41');
    sources.latest.emit('book.updated', 'null', '42');
    sources.latest.emit('book.updated', { type: 'book.updated', bookId: 'nope' }, '43');
    const book = aBook({ version: 2 });
    sources.latest.emit('book.updated', aBookEvent('book.updated', book), '44');

    expect(received).toHaveBeenCalledTimes(1);
    expect(received).toHaveBeenCalledWith(expect.objectContaining({ bookId: book.id, version: 2 }));
    expect(events.skipped()).toBe(3);
    expect(warn).toHaveBeenCalledTimes(3);
    expect(warn.mock.calls.map(([message]) => String(message).match(/^Skipped event (\d+)/)?.[1])).toEqual(['41', '42', '43']);
    warn.mockRestore();
  });

  it('filters the changes to one book', () => {
    const [mine, other] = [aBook(), aBook()];
    const received = jest.fn();
    events.changesTo(mine.id).subscribe(received);

    sources.latest.emit('book.updated', aBookEvent('book.updated', other));
    sources.latest.emit('book.updated', aBookEvent('book.updated', mine));

    expect(received).toHaveBeenCalledTimes(1);
    expect(received).toHaveBeenCalledWith(expect.objectContaining({ bookId: mine.id }));
  });

  it('shows "reconnecting" while the browser retries, and asks lists to catch up once back', () => {
    const reconnected = jest.fn();
    events.reconnected$.subscribe(reconnected);
    sources.latest.open();

    sources.latest.fail();
    expect(events.status()).toBe('reconnecting');

    sources.latest.open();
    expect(events.status()).toBe('live');
    expect(reconnected).toHaveBeenCalledTimes(1);
    expect(sources.opened).toHaveLength(1);
  });

  it('opens a new stream, with growing pauses, when the browser gives up', () => {
    sources.latest.fail({ closed: true });
    expect(sources.opened).toHaveLength(1);

    jest.advanceTimersByTime(RECONNECT_DELAY.initialMs);
    expect(sources.opened).toHaveLength(2);

    sources.latest.fail({ closed: true });
    jest.advanceTimersByTime(RECONNECT_DELAY.initialMs);
    expect(sources.opened).toHaveLength(2);
    jest.advanceTimersByTime(RECONNECT_DELAY.initialMs);
    expect(sources.opened).toHaveLength(3);

    sources.latest.open();
    expect(events.status()).toBe('live');
  });
});

describe('parseBookEvent', () => {
  it('accepts what the contract describes', () => {
    const event = aBookEvent('book.updated', aBook());
    expect(parseBookEvent(JSON.stringify(event))).toEqual(event);
  });

  it('rejects anything else', () => {
    expect(parseBookEvent('{')).toBeUndefined();
    expect(parseBookEvent(JSON.stringify({ ...aBookEvent('book.updated', aBook()), version: 0 }))).toBeUndefined();
  });
});
