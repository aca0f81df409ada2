import { Dialog } from '@angular/cdk/dialog';
import { Component } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { type Book, maxBookYear } from '@books/contracts';
import { BooksStore } from '../../data-access/books.store';
import { aBook, aBookEvent } from '../../testing/books.fixtures';
import { dialogTitled, openDialogTitles } from '../../testing/dialogs';
import { button, field, textOf, type } from '../../testing/dom';
import { FakeBooksApi, invalid, problem } from '../../testing/fake-books-api';
import { FakeEventSources } from '../../testing/fake-event-source';
import { openBookFormDialog } from './book-form-dialog';

/** The page that opens the dialog, and provides the store it saves through. */
@Component({ template: '', providers: [BooksStore] })
class Page {}

describe('BookFormDialog', () => {
  let api: FakeBooksApi;
  let sources: FakeEventSources;
  let page: ComponentFixture<Page>;
  let closedWith: jest.Mock;

  beforeEach(() => {
    api = new FakeBooksApi();
    sources = new FakeEventSources();
    TestBed.configureTestingModule({ providers: [provideRouter([]), FakeBooksApi.provide(api), sources.provide()] });
    page = TestBed.createComponent(Page);
    closedWith = jest.fn();
  });

  async function open(book?: Book): Promise<HTMLElement> {
    openBookFormDialog(TestBed.inject(Dialog), { book }, page.debugElement.injector).closed.subscribe(closedWith);
    await settle();
    return dialogTitled(book ? 'Edit book' : 'Add book');
  }

  /** Lets saving, rendering and dialogs run their course. */
  async function settle(): Promise<void> {
    await page.whenStable();
    await new Promise((resolve) => setTimeout(resolve));
    await page.whenStable();
  }

  function leave(input: HTMLElement): void {
    input.dispatchEvent(new Event('blur'));
  }

  /** The message shown for a field, found the way a screen reader finds it: by aria-describedby. */
  function messageFor(input: HTMLElement): string | undefined {
    if (input.getAttribute('aria-invalid') !== 'true') return undefined;
    const ids = input.getAttribute('aria-describedby')?.split(' ') ?? [];
    const error = ids.map((id) => document.getElementById(id)).find((element) => element?.classList.contains('field__error'));
    return error?.textContent?.trim();
  }

  describe('adding', () => {
    it('adds a book with what the user typed, trimmed, and closes', async () => {
      const dialog = await open();

      type(field(dialog, 'Title'), '  The Chrysalids ');
      type(field(dialog, 'Author'), 'John Wyndham');
      type(field(dialog, 'Year'), '1955');
      field(dialog, 'Read').click();
      button(dialog, 'Save').click();
      await settle();

      const [create] = api.callsTo('create');
      expect(create.book).toEqual({ title: 'The Chrysalids', author: 'John Wyndham', year: 1955, score: null, read: true });
      expect(create.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
      expect(openDialogTitles()).toEqual([]);
      expect(closedWith).toHaveBeenCalledWith(expect.objectContaining({ title: 'The Chrysalids' }));
    });

    it('shows the contract’s message next to a field once the user leaves it', async () => {
      const dialog = await open();
      const title = field(dialog, 'Title');

      leave(title);
      await settle();
      expect(messageFor(title)).toBe('Title is required');

      type(title, 'Z for Zachariah');
      await settle();
      expect(messageFor(title)).toBeUndefined();
      expect(title.hasAttribute('aria-invalid')).toBe(false);
    });

    it('validates as the user types', async () => {
      const dialog = await open();
      const year = field(dialog, 'Year');

      type(year, String(maxBookYear() + 5));
      await settle();

      expect(messageFor(year)).toBe(`Year must be ${maxBookYear()} or earlier`);
    });

    it('shows every problem on save, and sends nothing', async () => {
      const dialog = await open();

      type(field(dialog, 'Score'), '11');
      button(dialog, 'Save').click();
      await settle();

      expect(messageFor(field(dialog, 'Title'))).toBe('Title is required');
      expect(messageFor(field(dialog, 'Author'))).toBe('Author is required');
      expect(messageFor(field(dialog, 'Score'))).toBe('Score must be at most 10');
      expect(api.callsTo('create')).toEqual([]);
    });

    it('shows the API’s own field errors next to the fields', async () => {
      const dialog = await open();
      api.failWith(invalid({ field: 'author', message: 'Author is on a list' }));

      type(field(dialog, 'Title'), 'Title');
      type(field(dialog, 'Author'), 'Author');
      button(dialog, 'Save').click();
      await settle();

      expect(messageFor(field(dialog, 'Author'))).toBe('Author is on a list');
      expect(openDialogTitles()).toEqual(['Add book']);
    });

    it('says what went wrong when saving fails, and reuses the Idempotency-Key on a retry', async () => {
      const dialog = await open();
      api.failWith(problem(504, 'The books service did not answer in time', 'The books-service did not answer within 3000 ms.'));
      type(field(dialog, 'Title'), 'Title');
      type(field(dialog, 'Author'), 'Author');

      button(dialog, 'Save').click();
      await settle();
      expect(textOf(dialog.querySelector('[role="alert"]'))).toBe('The books-service did not answer within 3000 ms.');

      button(dialog, 'Save').click();
      await settle();
      const [first, retry] = api.callsTo('create');
      expect(retry.idempotencyKey).toBe(first.idempotencyKey);
    });
  });

  describe('editing', () => {
    let book: Book;

    beforeEach(() => {
      book = aBook({ title: 'Alas, Babylon', author: 'Pat Frank', year: 1959, score: 7, version: 3 });
      api.books = [book];
    });

    it('starts from the book and saves against its version', async () => {
      const dialog = await open(book);
      expect(field(dialog, 'Title').value).toBe('Alas, Babylon');
      expect(field(dialog, 'Score').value).toBe('7');

      type(field(dialog, 'Score'), '');
      button(dialog, 'Save').click();
      await settle();

      const [replace] = api.callsTo('replace');
      expect(replace).toMatchObject({ id: book.id, expectedVersion: 3 });
      expect(replace.book).toEqual({ title: 'Alas, Babylon', author: 'Pat Frank', year: 1959, score: null, read: false });
      expect(openDialogTitles()).toEqual([]);
    });

    describe('when someone else saved first (412)', () => {
      const conflict = 'This book was changed by someone else';
      let dialog: HTMLElement;

      beforeEach(async () => {
        dialog = await open(book);
        api.books = [{ ...book, title: 'Alas, Babylon!', version: 4 }];
        type(field(dialog, 'Score'), '9');
        button(dialog, 'Save').click();
        await settle();
      });

      it('compares their version with mine', () => {
        expect(openDialogTitles()).toEqual(['Edit book', conflict]);
        expect(api.callsTo('get')).toHaveLength(1);
      });

      it('"Reload theirs" puts their version in the form, to edit from there', async () => {
        button(dialogTitled(conflict), 'Reload theirs').click();
        await settle();

        expect(field(dialog, 'Title').value).toBe('Alas, Babylon!');
        expect(field(dialog, 'Score').value).toBe('7');
        button(dialog, 'Save').click();
        await settle();
        expect(api.callsTo('replace').at(-1)?.expectedVersion).toBe(4);
      });

      it('"Overwrite with mine" saves my version over theirs', async () => {
        button(dialogTitled(conflict), 'Overwrite with mine').click();
        await settle();

        expect(api.callsTo('replace').at(-1)).toMatchObject({ expectedVersion: 4, book: { title: 'Alas, Babylon', score: 9 } });
        expect(openDialogTitles()).toEqual([]);
      });
    });

    it('warns when someone else changes the book meanwhile, and loads their changes on request', async () => {
      const dialog = await open(book);

      sources.latest.emit('book.updated', aBookEvent('book.updated', { ...book, author: 'Harry Hart Frank', version: 4 }));
      await settle();
      const alert = dialog.querySelector('[role="alert"]');
      expect(textOf(alert)).toContain('Someone else changed this book while you were editing.');

      button(dialog, 'Load their changes').click();
      await settle();
      expect(field(dialog, 'Author').value).toBe('Harry Hart Frank');
      expect(dialog.querySelector('[role="alert"]')).toBeNull();
    });

    it('ignores the event of a change it already shows', async () => {
      const dialog = await open(book);

      sources.latest.emit('book.updated', aBookEvent('book.updated', book));
      await settle();

      expect(dialog.querySelector('[role="alert"]')).toBeNull();
    });

    it('warns when the book is deleted meanwhile, and no longer saves', async () => {
      const dialog = await open(book);

      sources.latest.emit('book.deleted', aBookEvent('book.deleted', { ...book, version: 4 }));
      await settle();

      expect(textOf(dialog.querySelector('[role="alert"]'))).toContain('Someone else deleted this book while you were editing');
      expect(button(dialog, 'Save').disabled).toBe(true);
    });
  });

  it('closes on "Cancel" without saving', async () => {
    const dialog = await open();

    button(dialog, 'Cancel').click();
    await settle();

    expect(openDialogTitles()).toEqual([]);
    expect(api.callsTo('create')).toEqual([]);
  });
});
