import { Dialog } from '@angular/cdk/dialog';
import { ApplicationRef, Injector } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { Book } from '@books/contracts';
import { dialogTitled, openDialogTitles } from '../../testing/dialogs';
import { button, queryButton, textOf } from '../../testing/dom';
import { FakeBooksApi, problem } from '../../testing/fake-books-api';
import { FakeEventSources } from '../../testing/fake-event-source';
import { openHistoryDialog } from './history-dialog';

describe('HistoryDialog', () => {
  let api: FakeBooksApi;

  beforeEach(() => {
    api = new FakeBooksApi();
    TestBed.configureTestingModule({ providers: [FakeBooksApi.provide(api), new FakeEventSources().provide()] });
  });

  afterEach(() => TestBed.inject(Dialog).closeAll());

  const settle = async () => {
    await new Promise((resolve) => setTimeout(resolve));
    await TestBed.inject(ApplicationRef).whenStable();
  };

  async function open(book: Book): Promise<HTMLElement> {
    openHistoryDialog(TestBed.inject(Dialog), book, TestBed.inject(Injector));
    await settle();
    return dialogTitled('History');
  }

  const entries = (dialog: HTMLElement) => [...dialog.querySelectorAll('.entry')];
  const changes = (entry: Element) => [...entry.querySelectorAll('.changes li')].map(textOf);
  const headings = (dialog: HTMLElement) => [...dialog.querySelectorAll('.entry h3')].map(textOf);

  it('names the book, and lists its versions newest first with what each changed', async () => {
    const book = api.seedHistory(3, { title: 'Malevil', author: 'Robert Merle' });
    const dialog = await open(book);

    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(textOf(document.getElementById(dialog.getAttribute('aria-describedby')!))).toBe('“Malevil” by Robert Merle');
    expect(headings(dialog)).toEqual(['Edited version 3 current', 'Edited version 2', 'Added version 1']);
    const [newest, , first] = entries(dialog);
    expect(changes(newest)).toEqual(['Score 1 to 2']);
    expect(newest.querySelector('.changes')?.textContent).toContain('→');
    expect(changes(first)).toEqual(['Title “Malevil”', 'Author “Robert Merle”', 'Year 2000', 'Score 0', 'Read No']);
    expect(first.querySelector('time')?.getAttribute('datetime')).toBe(book.createdAt);
    expect(textOf(first.querySelector('time'))).toMatch(/ago · Jan 1, 2026, /);
    expect(textOf(dialog.querySelector('.history-dialog__count'))).toBe('Showing 3 of 3 versions.');
    expect(queryButton(dialog, 'Show older')).toBeUndefined();
  });

  it('shows deletes and restores', async () => {
    const book = api.seedHistory(1);
    api.delete(book.id, 1).subscribe();
    api.restore(book.id, 2).subscribe();

    const dialog = await open(book);

    expect(headings(dialog)).toEqual(['Restored version 3 current', 'Deleted version 2', 'Added version 1']);
    expect(entries(dialog)[1].querySelector('.changes')).toBeNull();
  });

  it('says it is loading until the first page comes', async () => {
    const book = api.seedHistory(3);
    api.hold();
    const dialog = await open(book);

    expect(textOf(dialog.querySelector('[role="status"]'))).toBe('Loading the history…');
    expect(entries(dialog)).toHaveLength(0);

    api.release();
    await settle();
    expect(entries(dialog)).toHaveLength(3);
    expect(dialog.querySelector('[role="status"]')).toBeNull();
  });

  it('pages with Show older, and moves the keyboard to the first version it added', async () => {
    const book = api.seedHistory(45);
    const dialog = await open(book);
    expect(entries(dialog)).toHaveLength(20);
    expect(textOf(dialog.querySelector('.history-dialog__count'))).toBe('Showing 20 of 45 versions.');

    button(dialog, 'Show older').click();
    await settle();
    await settle();

    expect(entries(dialog)).toHaveLength(40);
    expect(document.activeElement?.getAttribute('data-version')).toBe('25');
    expect(textOf(dialog.querySelector('.history-dialog__count'))).toBe('Showing 40 of 45 versions.');

    button(dialog, 'Show older').click();
    await settle();
    expect(headings(dialog).at(-1)).toBe('Added version 1');
    expect(queryButton(dialog, 'Show older')).toBeUndefined();
  });

  it('marks Show older busy while a page loads', async () => {
    const book = api.seedHistory(45);
    const dialog = await open(book);
    api.hold();

    button(dialog, 'Show older').click();
    await settle();
    expect(button(dialog, 'Show older').getAttribute('aria-disabled')).toBe('true');

    api.release();
    await settle();
    expect(button(dialog, 'Show older').getAttribute('aria-disabled')).toBe('false');
  });

  it('says why the history could not be loaded, and tries again', async () => {
    const book = api.seedHistory(2);
    api.failWith(problem(503, 'The books service is unavailable', 'No books-service replica is reachable right now.'));
    const dialog = await open(book);

    expect(textOf(dialog.querySelector('[role="alert"] p'))).toBe(
      'The history could not be loaded. No books-service replica is reachable right now.',
    );
    button(dialog, 'Try again').click();
    await settle();
    expect(entries(dialog)).toHaveLength(2);
  });

  it('keeps the versions shown when an older page fails', async () => {
    const book = api.seedHistory(30);
    const dialog = await open(book);
    api.failWith(problem(500, 'Internal error', 'Something went wrong.'));

    button(dialog, 'Show older').click();
    await settle();

    expect(textOf(dialog.querySelector('[role="alert"]'))).toBe('Older versions could not be loaded. Something went wrong.');
    expect(entries(dialog)).toHaveLength(20);
    expect(button(dialog, 'Show older')).toBeTruthy();
  });

  it('closes with its Close button', async () => {
    const dialog = await open(api.seedHistory(1));

    button(dialog, 'Close').click();
    await settle();

    expect(openDialogTitles()).toEqual([]);
  });
});
