import { Dialog } from '@angular/cdk/dialog';
import { Component } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import type { Book } from '@books/contracts';
import { BooksStore } from '../../data-access/books.store';
import type { ApiError } from '../../data-access/problem';
import { Toaster } from '../../data-access/toaster.service';
import { aBook, aBookEvent } from '../../testing/books.fixtures';
import { dialogTitled, openDialogTitles } from '../../testing/dialogs';
import { button, field, queryButton, textOf, type } from '../../testing/dom';
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

    it('validates as the user types, in the reader’s words', async () => {
      const dialog = await open();
      const year = field(dialog, 'Year');

      type(year, '19.5');
      await settle();

      expect(messageFor(year)).toBe('Year is a whole number, negative for BCE, up to next year, or empty');
    });

    it('takes a negative year (BCE) in a text field, so phones offer a minus sign', async () => {
      const dialog = await open();
      const year = field(dialog, 'Year');
      expect(year.type).toBe('text');
      expect(year.getAttribute('inputmode')).toBe('text');

      type(field(dialog, 'Title'), 'The Histories');
      type(field(dialog, 'Author'), 'Herodotus');
      type(year, '-430');
      button(dialog, 'Save').click();
      await settle();

      expect(api.callsTo('create')[0].book).toMatchObject({ year: -430 });
    });

    it('shows every problem on save, and sends nothing', async () => {
      const dialog = await open();

      type(field(dialog, 'Score'), '11');
      button(dialog, 'Save').click();
      await settle();

      expect(messageFor(field(dialog, 'Title'))).toBe('Title is required');
      expect(messageFor(field(dialog, 'Author'))).toBe('Author is required');
      expect(messageFor(field(dialog, 'Score'))).toBe('Score is a whole number from 0 to 10, or empty');
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
      const merging = 'Someone else changed this book';
      let dialog: HTMLElement;

      /** Someone else saves `changes` while I have the dialog open, then I change `mine` and save. */
      async function saveAfter(changes: Partial<Book>, mine: Record<string, string>): Promise<void> {
        dialog = await open(book);
        api.books = [{ ...book, ...changes, version: 4, updatedAt: '2026-12-02T09:30:00.000Z' }];
        for (const [label, value] of Object.entries(mine)) type(field(dialog, label), value);
        button(dialog, 'Save').click();
        await settle();
      }

      const toasts = () => TestBed.inject(Toaster).toasts().map((toast) => toast.message);

      it('merges changes to other fields without asking, saves on their version, and says so', async () => {
        await saveAfter({ title: 'Alas, Babylon!', read: true }, { Score: '9' });

        const [refused, merged] = api.callsTo('replace');
        expect(refused.expectedVersion).toBe(3);
        expect(merged).toMatchObject({ expectedVersion: 4 });
        expect(merged.book).toEqual({ title: 'Alas, Babylon!', author: 'Pat Frank', year: 1959, score: 9, read: true });
        expect(openDialogTitles()).toEqual([]);
        expect(toasts()).toEqual(['Saved “Alas, Babylon!”. Merged with changes made by someone else.']);
      });

      it('merges without asking when we both made the same change', async () => {
        await saveAfter({ score: 9 }, { Score: '9' });

        expect(api.callsTo('replace').at(-1)).toMatchObject({ expectedVersion: 4, book: { score: 9 } });
        expect(openDialogTitles()).toEqual([]);
      });

      it('merges again when yet another version comes first', async () => {
        dialog = await open(book);
        api.books = [{ ...book, title: 'Alas, Babylon!', version: 4 }];
        type(field(dialog, 'Score'), '9');
        // The save after the first merge meets a newer version still.
        const replace = api.replace.bind(api);
        jest.spyOn(api, 'replace').mockImplementation((id, input, version) => {
          if (version === 4 && api.books[0].version === 4) api.books = [{ ...api.books[0], read: true, version: 5 }];
          return replace(id, input, version);
        });
        button(dialog, 'Save').click();
        await settle();

        expect(api.callsTo('replace').map((call) => call.expectedVersion)).toEqual([3, 4, 5]);
        expect(api.books[0]).toMatchObject({ title: 'Alas, Babylon!', score: 9, read: true, version: 6 });
      });

      describe('and we both changed the same field', () => {
        beforeEach(() => saveAfter({ score: 2, author: 'Harry Hart Frank' }, { Score: '9' }));

        it('replaces the form with the merge, in the same dialog', () => {
          expect(openDialogTitles()).toEqual([merging]);
          const merge = dialogTitled(merging);
          expect(document.activeElement).toBe(merge.querySelector('h2'));
          expect(textOf(merge)).toContain('You both changed one field: choose which value to keep.');
          expect(textOf(merge.querySelector('ul'))).toBe('Author: Harry Hart Frank (their change)');
          expect(merge.querySelector('time')?.getAttribute('datetime')).toBe('2026-12-02T09:30:00.000Z');
        });

        it('asks, for that field, with their value and mine, as a radio group', () => {
          const merge = dialogTitled(merging);
          const [group] = merge.querySelectorAll('fieldset');

          expect(textOf(group.querySelector('legend'))).toBe('Score');
          expect(textOf(document.getElementById(group.getAttribute('aria-describedby') ?? ''))).toBe('Before: 7');
          expect(field(group, 'Theirs 2').type).toBe('radio');
          expect(field(group, 'Yours 9').type).toBe('radio');
          expect(merge.querySelectorAll('fieldset')).toHaveLength(1);
        });

        it('needs a choice before saving, and takes the keyboard to the question', async () => {
          const merge = dialogTitled(merging);

          button(merge, 'Save').click();
          await settle();

          expect(textOf(merge.querySelector('[role="alert"]'))).toBe('Choose a value for Score.');
          expect(document.activeElement).toBe(field(merge, 'Theirs 2'));
          expect(merge.querySelector('fieldset')?.getAttribute('aria-describedby')).toContain('book-merge-missing');
          expect(api.callsTo('replace')).toHaveLength(1);
        });

        it('saves their value when I choose theirs, with the rest merged', async () => {
          const merge = dialogTitled(merging);

          field(merge, 'Theirs 2').click();
          button(merge, 'Save').click();
          await settle();

          expect(api.callsTo('replace').at(-1)).toMatchObject({
            expectedVersion: 4,
            book: { title: 'Alas, Babylon', author: 'Harry Hart Frank', score: 2 },
          });
          expect(openDialogTitles()).toEqual([]);
        });

        it('saves my value when I choose mine', async () => {
          const merge = dialogTitled(merging);

          field(merge, 'Yours 9').click();
          button(merge, 'Save').click();
          await settle();

          expect(api.callsTo('replace').at(-1)).toMatchObject({ expectedVersion: 4, book: { author: 'Harry Hart Frank', score: 9 } });
        });

        it('goes back to my form as it was on Cancel, saving nothing', async () => {
          button(dialogTitled(merging), 'Cancel').click();
          await settle();

          const form = dialogTitled('Edit book');
          expect(field(form, 'Score').value).toBe('9');
          expect(field(form, 'Author').value).toBe('Pat Frank');
          expect(document.activeElement).toBe(button(form, 'Save'));
          expect(api.callsTo('replace')).toHaveLength(1);
        });

        it('goes back to my form on Escape too', async () => {
          escape(dialogTitled(merging));
          await settle();

          expect(openDialogTitles()).toEqual(['Edit book']);
        });
      });
    });

    it('warns when someone else changes the book meanwhile, and merges their changes on request', async () => {
      const dialog = await open(book);
      type(field(dialog, 'Score'), '9');

      sources.latest.emit('book.updated', aBookEvent('book.updated', { ...book, author: 'Harry Hart Frank', version: 4 }));
      await settle();
      const alert = dialog.querySelector('[role="alert"]');
      expect(textOf(alert)).toContain('Someone else changed this book while you were editing.');

      button(dialog, 'Merge their changes').click();
      await settle();
      expect(field(dialog, 'Author').value).toBe('Harry Hart Frank');
      expect(field(dialog, 'Score').value).toBe('9');
      expect(dialog.querySelector('[role="alert"]')).toBeNull();
      expect(textOf(dialog.querySelector('[role="status"]'))).toBe('Their changes to Author are now in the form, with yours. Save to keep both.');

      api.books = [{ ...book, author: 'Harry Hart Frank', version: 4 }];
      button(dialog, 'Save').click();
      await settle();
      expect(api.callsTo('replace')).toEqual([expect.objectContaining({ expectedVersion: 4 })]);
    });

    it('loads their changes from the live warning when I changed nothing, and closes without asking', async () => {
      const dialog = await open(book);
      sources.latest.emit('book.updated', aBookEvent('book.updated', { ...book, year: -44, version: 4 }));
      await settle();

      button(dialog, 'Merge their changes').click();
      await settle();
      expect(field(dialog, 'Year').value).toBe('-44');
      expect(textOf(dialog.querySelector('[role="status"]'))).toBe('Their changes to Year are now in the form.');

      button(dialog, 'Cancel').click();
      await settle();
      expect(openDialogTitles()).toEqual([]);
    });

    it('asks, from the live warning, about fields we both changed, and fills the form without saving', async () => {
      const dialog = await open(book);
      type(field(dialog, 'Score'), '9');
      sources.latest.emit('book.updated', aBookEvent('book.updated', { ...book, score: 1, year: 1960, version: 4 }));
      await settle();

      button(dialog, 'Merge their changes').click();
      await settle();
      const merge = dialogTitled('Someone else changed this book');
      field(merge, 'Theirs 1').click();
      button(merge, 'Use these values').click();
      await settle();

      const form = dialogTitled('Edit book');
      expect(field(form, 'Score').value).toBe('1');
      expect(field(form, 'Year').value).toBe('1960');
      expect(api.callsTo('replace')).toEqual([]);
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

  /** Escape as the keyboard sends it: a keydown inside the dialog. */
  function escape(target: HTMLElement): void {
    target.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, cancelable: true }));
  }

  describe('closing', () => {
    it('closes on "Cancel" without asking when nothing changed', async () => {
      const dialog = await open();

      button(dialog, 'Cancel').click();
      await settle();

      expect(openDialogTitles()).toEqual([]);
      expect(api.callsTo('create')).toEqual([]);
    });

    it('closes on Escape and on the backdrop when nothing changed', async () => {
      escape(await open());
      await settle();
      expect(openDialogTitles()).toEqual([]);

      await open();
      document.querySelector<HTMLElement>('.cdk-overlay-backdrop')?.click();
      await settle();
      expect(openDialogTitles()).toEqual([]);
    });

    it('does not count spaces alone as a change', async () => {
      const book = aBook({ title: 'Wool' });
      api.books = [book];
      const dialog = await open(book);

      type(field(dialog, 'Title'), ' Wool ');
      button(dialog, 'Cancel').click();
      await settle();

      expect(openDialogTitles()).toEqual([]);
    });

    describe.each([
      ['Cancel', (dialog: HTMLElement) => button(dialog, 'Cancel').click()],
      ['Escape', (dialog: HTMLElement) => escape(field(dialog, 'Title'))],
      ['the backdrop', () => document.querySelector<HTMLElement>('.cdk-overlay-backdrop')?.click()],
    ])('with changes, %s', (_, close) => {
      let dialog: HTMLElement;

      beforeEach(async () => {
        dialog = await open();
        type(field(dialog, 'Title'), 'Half-typed');
        close(dialog);
        await settle();
      });

      it('asks before discarding them, starting on the safe answer', () => {
        const question = dialog.querySelector('[role="group"]');
        expect(textOf(document.getElementById(question?.getAttribute('aria-labelledby') ?? ''))).toBe('Discard your changes?');
        expect(document.activeElement).toBe(button(dialog, 'Keep editing'));
        expect(openDialogTitles()).toEqual(['Add book']);
      });

      it('keeps them on "Keep editing", back on Cancel', async () => {
        button(dialog, 'Keep editing').click();
        await settle();

        expect(field(dialog, 'Title').value).toBe('Half-typed');
        expect(document.activeElement).toBe(button(dialog, 'Cancel'));
      });

      it('keeps them on a second Escape', async () => {
        escape(button(dialog, 'Keep editing'));
        await settle();

        expect(openDialogTitles()).toEqual(['Add book']);
        expect(queryButton(dialog, 'Keep editing')).toBeUndefined();
      });

      it('closes without saving on "Discard changes"', async () => {
        button(dialog, 'Discard changes').click();
        await settle();

        expect(openDialogTitles()).toEqual([]);
        expect(closedWith).toHaveBeenCalledWith(undefined);
        expect(api.callsTo('create')).toEqual([]);
      });
    });

    describe('during a save', () => {
      /** Saves a new book, held on its way, and presses Escape meanwhile. */
      async function saveThenEscape(failure?: ApiError): Promise<HTMLElement> {
        const dialog = await open();
        if (failure) api.failWith(failure);
        type(field(dialog, 'Title'), 'The Drowned World');
        type(field(dialog, 'Author'), 'J. G. Ballard');
        api.hold();
        button(dialog, 'Save').click();
        await settle();
        escape(field(dialog, 'Title'));
        await settle();
        return dialog;
      }

      it('lets the save finish, then closes', async () => {
        const dialog = await saveThenEscape();
        expect(textOf(dialog.querySelector('[role="status"]'))).toBe('Saving… This closes once the book is saved.');
        expect(openDialogTitles()).toEqual(['Add book']);

        api.release();
        await settle();

        expect(openDialogTitles()).toEqual([]);
        expect(closedWith).toHaveBeenCalledWith(expect.objectContaining({ title: 'The Drowned World' }));
      });

      it('stays open to show a save that failed', async () => {
        const dialog = await saveThenEscape(problem(504, 'The books service did not answer in time'));

        api.release();
        await settle();

        expect(openDialogTitles()).toEqual(['Add book']);
        expect(textOf(dialog.querySelector('[role="alert"]'))).toBe('The books service did not answer in time');
        expect(dialog.querySelector('[role="status"]')).toBeNull();
      });
    });
  });
});
