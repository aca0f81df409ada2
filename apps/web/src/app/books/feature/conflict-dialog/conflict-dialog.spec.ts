import { Dialog } from '@angular/cdk/dialog';
import { ApplicationRef } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { aBook } from '../../testing/books.fixtures';
import { dialogTitled } from '../../testing/dialogs';
import { button, textOf } from '../../testing/dom';
import { openConflictDialog } from './conflict-dialog';

describe('ConflictDialog', () => {
  const title = 'This book was changed by someone else';
  const theirs = aBook({ title: 'Swan Song', author: 'Robert McCammon', year: 1987, score: null, read: true, version: 5 });
  const mine = { title: ' Swan Song ', author: 'Robert R. McCammon', year: 1987, score: 8, read: true };
  let closedWith: jest.Mock;

  beforeEach(async () => {
    closedWith = jest.fn();
    openConflictDialog(TestBed.inject(Dialog), { theirs, mine }).closed.subscribe(closedWith);
    await TestBed.inject(ApplicationRef).whenStable();
  });

  it('shows their version and mine side by side, marking what differs', () => {
    const rows = [...dialogTitled(title).querySelectorAll('tbody tr')].map((row) => ({
      cells: [...row.children].map(textOf),
      differs: row.classList.contains('differs'),
    }));

    expect(rows).toEqual([
      { cells: ['Title', 'Swan Song', 'Swan Song'], differs: false },
      { cells: ['Author (differs)', 'Robert McCammon', 'Robert R. McCammon'], differs: true },
      { cells: ['Year', '1987', '1987'], differs: false },
      { cells: ['Score (differs)', 'unrated', '8'], differs: true },
      { cells: ['Read', 'Yes', 'Yes'], differs: false },
    ]);
  });

  it('closes with "reload" on "Reload theirs"', () => {
    button(dialogTitled(title), 'Reload theirs').click();

    expect(closedWith).toHaveBeenCalledWith('reload');
  });

  it('closes with "overwrite" on "Overwrite with mine"', () => {
    button(dialogTitled(title), 'Overwrite with mine').click();

    expect(closedWith).toHaveBeenCalledWith('overwrite');
  });
});
