import { DIALOG_DATA, Dialog, DialogRef } from '@angular/cdk/dialog';
import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import type { Book } from '@books/contracts';
import { formatYear } from '../../ui/book-year.pipe';
import type { BookDraft } from '../book-form-dialog/book-form';
import { dialogOptions } from '../dialog-options';

const TITLE_ID = 'conflict-title';

export interface ConflictData {
  /** The book as it is now on the server. */
  readonly theirs: Book;
  /** What this user tried to save. */
  readonly mine: BookDraft;
}

/** "Reload theirs" discards my edit; "Overwrite with mine" saves it over theirs. */
export type ConflictChoice = 'reload' | 'overwrite';

/** Shows both versions of a book side by side after a save was refused with 412. */
@Component({
  selector: 'app-conflict-dialog',
  templateUrl: './conflict-dialog.html',
  styleUrl: './conflict-dialog.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'dialog' },
})
export class ConflictDialog {
  protected readonly titleId = TITLE_ID;
  protected readonly dialogRef = inject<DialogRef<ConflictChoice>>(DialogRef);

  protected readonly rows = compare(inject<ConflictData>(DIALOG_DATA));
}

export function openConflictDialog(dialog: Dialog, data: ConflictData): DialogRef<ConflictChoice, ConflictDialog> {
  return dialog.open<ConflictChoice, ConflictData, ConflictDialog>(ConflictDialog, dialogOptions(TITLE_ID, data));
}

/** Both versions as the user reads them, field by field; mine as it would be saved (trimmed). */
function compare({ theirs, mine }: ConflictData) {
  const shown = (book: BookDraft) => [
    { label: 'Title', value: book.title.trim() },
    { label: 'Author', value: book.author.trim() },
    { label: 'Year', value: formatYear(book.year) },
    { label: 'Score', value: book.score === null ? 'unrated' : String(book.score) },
    { label: 'Read', value: book.read ? 'Yes' : 'No' },
  ];
  const mineShown = shown(mine);
  return shown(theirs).map(({ label, value }, index) => ({
    label,
    theirs: value,
    mine: mineShown[index].value,
    differs: value !== mineShown[index].value,
  }));
}
