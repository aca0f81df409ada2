import { Dialog, type DialogRef } from '@angular/cdk/dialog';
import { ApplicationRef } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { aBook } from '../../testing/books.fixtures';
import { dialogTitled, openDialogTitles } from '../../testing/dialogs';
import { button, textOf } from '../../testing/dom';
import { openConfirmDeleteDialog } from './confirm-delete-dialog';

describe('ConfirmDeleteDialog', () => {
  const book = aBook({ title: 'The Stand', author: 'Stephen King' });
  let ref: DialogRef<boolean>;
  let closedWith: jest.Mock;

  beforeEach(async () => {
    ref = openConfirmDeleteDialog(TestBed.inject(Dialog), book);
    closedWith = jest.fn();
    ref.closed.subscribe(closedWith);
    await TestBed.inject(ApplicationRef).whenStable();
  });

  it('asks before deleting, naming the book', () => {
    const dialog = dialogTitled('Delete book?');

    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(textOf(dialog)).toContain('“The Stand” by Stephen King will be deleted');
  });

  it('closes with true on "Delete"', () => {
    button(dialogTitled('Delete book?'), 'Delete').click();

    expect(closedWith).toHaveBeenCalledWith(true);
    expect(openDialogTitles()).toEqual([]);
  });

  it('closes with false on "Cancel"', () => {
    button(dialogTitled('Delete book?'), 'Cancel').click();

    expect(closedWith).toHaveBeenCalledWith(false);
  });

  it('closes without deleting on Escape', () => {
    dialogTitled('Delete book?').dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', keyCode: 27, bubbles: true }));

    expect(closedWith).toHaveBeenCalledWith(undefined);
  });
});
