import { Injector, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { type FieldTree, form } from '@angular/forms/signals';
import { maxBookYear } from '@books/contracts';
import { aBook } from '../../testing/books.fixtures';
import {
  type BookDraft,
  EARLIEST_YEAR_MESSAGE,
  EMPTY_DRAFT,
  SCORE_MESSAGE,
  YEAR_MESSAGE,
  bookDraftSchema,
  draftOf,
  inputOf,
  readerMessage,
  toValidationErrors,
} from './book-form';

describe('book form validation (the shared contract, in the reader’s words)', () => {
  function bookForm(draft: Partial<BookDraft> = {}): FieldTree<BookDraft> {
    return form(signal({ ...EMPTY_DRAFT, title: 'T', author: 'A', ...draft }), bookDraftSchema, { injector: TestBed.inject(Injector) });
  }

  const messages = (field: FieldTree<unknown>) => field().errors().map((error) => error.message);

  it('accepts a complete book', () => {
    const valid = bookForm({ title: 'Riddley Walker', author: 'Russell Hoban', year: '1980', score: 9, read: true });

    expect(valid().valid()).toBe(true);
  });

  it('accepts a book with only a title and an author', () => {
    expect(bookForm({ title: 'Earth Abides', author: 'George R. Stewart' })().valid()).toBe(true);
  });

  it('requires a title and an author, ignoring spaces', () => {
    const blank = bookForm({ title: '   ', author: '' });

    expect(messages(blank.title)).toEqual(['Title is required']);
    expect(messages(blank.author)).toEqual(['Author is required']);
  });

  it.each(['1955', ' 1955 ', '-44', '\u2212500', '-3000', '0', '', '   ', String(maxBookYear())])('accepts the year %j', (year) => {
    expect(messages(bookForm({ year }).year)).toEqual([]);
  });

  it.each(['abc', '19.5', '1e3', '--4', '12 BCE', String(maxBookYear() + 1)])('explains what a year may be, for %j', (year) => {
    expect(messages(bookForm({ year }).year)).toEqual([YEAR_MESSAGE]);
  });

  it('says how early a year may be when it is too early', () => {
    expect(messages(bookForm({ year: '-3001' }).year)).toEqual([EARLIEST_YEAR_MESSAGE]);
    expect(EARLIEST_YEAR_MESSAGE).toBe('Year is a whole number from -3000 (3000 BCE) up to next year, or empty');
  });

  it('takes whole scores from 0 to 10, or none, and says so', () => {
    expect(SCORE_MESSAGE).toBe('Score is a whole number from 0 to 10, or empty');
    expect(messages(bookForm({ score: 11 }).score)).toEqual([SCORE_MESSAGE]);
    expect(messages(bookForm({ score: -1 }).score)).toEqual([SCORE_MESSAGE]);
    expect(messages(bookForm({ score: 7.5 }).score)).toEqual([SCORE_MESSAGE]);
    expect(messages(bookForm({ score: null }).score)).toEqual([]);
  });

  it('keeps the schema’s messages for text, which already read well', () => {
    expect(readerMessage('title', 'Title must be at most 200 characters')).toBe('Title must be at most 200 characters');
  });

  it('puts API errors on their fields, in the same words, and the rest on the form', () => {
    const draft = bookForm();

    const errors = toValidationErrors(draft, [
      { field: 'author', message: 'Author is taken' },
      { field: 'year', message: 'Year must be a whole number or null' },
      { field: 'body', message: 'The body must be a JSON object' },
    ]);

    expect(errors).toEqual([
      { kind: 'contract', message: 'Author is taken', fieldTree: draft.author },
      { kind: 'contract', message: YEAR_MESSAGE, fieldTree: draft.year },
      { kind: 'contract', message: 'The body must be a JSON object', fieldTree: draft },
    ]);
  });

  it('starts an edit from the book’s editable fields, with the year as text', () => {
    const book = aBook({ title: 'Wool', author: 'Hugh Howey', year: -2011, score: null, read: true });

    expect(draftOf(book)).toEqual({ title: 'Wool', author: 'Hugh Howey', year: '-2011', score: null, read: true });
    expect(draftOf({ ...book, year: null }).year).toBe('');
  });

  it('sends the year as a number, or null when empty', () => {
    expect(inputOf({ ...EMPTY_DRAFT, year: ' -44 ' }).year).toBe(-44);
    expect(inputOf({ ...EMPTY_DRAFT, year: '\u2212500' }).year).toBe(-500);
    expect(inputOf({ ...EMPTY_DRAFT, year: '' }).year).toBeNull();
  });
});
