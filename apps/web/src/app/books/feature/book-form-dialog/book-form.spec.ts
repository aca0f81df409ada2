import { Injector, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { type FieldTree, form } from '@angular/forms/signals';
import { maxBookYear } from '@books/contracts';
import { aBook } from '../../testing/books.fixtures';
import { type BookDraft, EMPTY_DRAFT, bookDraftSchema, draftOf, toValidationErrors } from './book-form';

describe('book form validation (the shared contract)', () => {
  function bookForm(draft: Partial<BookDraft> = {}): FieldTree<BookDraft> {
    return form(signal({ ...EMPTY_DRAFT, ...draft }), bookDraftSchema, { injector: TestBed.inject(Injector) });
  }

  const messages = (field: FieldTree<unknown>) => field().errors().map((error) => error.message);

  it('accepts a complete book', () => {
    const valid = bookForm({ title: 'Riddley Walker', author: 'Russell Hoban', year: 1980, score: 9, read: true });

    expect(valid().valid()).toBe(true);
  });

  it('accepts a book with only a title and an author', () => {
    expect(bookForm({ title: 'Earth Abides', author: 'George R. Stewart' })().valid()).toBe(true);
  });

  it('requires a title and an author, ignoring spaces', () => {
    const blank = bookForm({ title: '   ' });

    expect(messages(blank.title)).toEqual(['Title is required']);
    expect(messages(blank.author)).toEqual(['Author is required']);
  });

  it('limits the year to next year, as the API does', () => {
    const future = bookForm({ title: 'T', author: 'A', year: maxBookYear() + 1 });

    expect(messages(future.year)).toEqual([`Year must be ${maxBookYear()} or earlier`]);
    expect(messages(bookForm({ title: 'T', author: 'A', year: -3001 }).year)).toEqual(['Year must be -3000 or later']);
  });

  it('takes whole scores from 0 to 10', () => {
    expect(messages(bookForm({ title: 'T', author: 'A', score: 11 }).score)).toEqual(['Score must be at most 10']);
    expect(messages(bookForm({ title: 'T', author: 'A', score: 7.5 }).score)).toEqual([
      'Score must be a whole number from 0 to 10, or null',
    ]);
  });

  it('puts API errors on their fields, and the rest on the form', () => {
    const draft = bookForm({ title: 'T', author: 'A' });

    const errors = toValidationErrors(draft, [
      { field: 'author', message: 'Author is taken' },
      { field: 'body', message: 'The body must be a JSON object' },
    ]);

    expect(errors).toEqual([
      { kind: 'contract', message: 'Author is taken', fieldTree: draft.author },
      { kind: 'contract', message: 'The body must be a JSON object', fieldTree: draft },
    ]);
  });

  it('starts an edit from the book’s editable fields', () => {
    const book = aBook({ title: 'Wool', author: 'Hugh Howey', year: 2011, score: null, read: true });

    expect(draftOf(book)).toEqual({ title: 'Wool', author: 'Hugh Howey', year: 2011, score: null, read: true });
  });
});
