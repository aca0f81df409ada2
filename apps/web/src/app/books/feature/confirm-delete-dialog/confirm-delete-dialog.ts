import { DIALOG_DATA, Dialog, DialogRef } from '@angular/cdk/dialog';
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import type { Book } from '@books/contracts';
import { dialogOptions } from '../dialog-options';

const TITLE_ID = 'confirm-delete-title';

/** Asks before deleting; closes with true to delete. */
@Component({
  selector: 'app-confirm-delete-dialog',
  templateUrl: './confirm-delete-dialog.html',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'dialog' },
})
export class ConfirmDeleteDialog {
  protected readonly titleId = TITLE_ID;
  protected readonly book = inject<Book>(DIALOG_DATA);
  protected readonly dialogRef = inject<DialogRef<boolean>>(DialogRef);
}

export function openConfirmDeleteDialog(dialog: Dialog, book: Book): DialogRef<boolean, ConfirmDeleteDialog> {
  return dialog.open<boolean, Book, ConfirmDeleteDialog>(ConfirmDeleteDialog, dialogOptions(TITLE_ID, book));
}
