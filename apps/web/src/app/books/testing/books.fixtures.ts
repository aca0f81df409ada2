import type { Book, BookEvent, BookEventType } from '@books/contracts';

let sequence = 0;

/** A valid book (its id passes the contract's uuid check); override what the test is about. */
export function aBook(overrides: Partial<Book> = {}): Book {
  sequence += 1;
  const at = new Date(Date.UTC(2026, 0, 1, 0, 0, sequence)).toISOString();
  return {
    id: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    title: `Book ${sequence}`,
    author: `Author ${sequence}`,
    year: 2000,
    score: 7,
    read: false,
    version: 1,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

/** The event the server publishes when `book` reaches its version (`book: null` for a delete). */
export function aBookEvent(type: BookEventType, book: Book, overrides: Partial<BookEvent> = {}): BookEvent {
  sequence += 1;
  return {
    eventId: `10000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
    type,
    bookId: book.id,
    version: book.version,
    occurredAt: book.updatedAt,
    book: type === 'book.deleted' ? null : book,
    ...overrides,
  };
}
