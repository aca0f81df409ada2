import { DIALOG_DATA, Dialog, DialogRef } from '@angular/cdk/dialog';
import { ChangeDetectionStrategy, Component, type Injector, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { type FieldTree, FormField, FormRoot, type TreeValidationResult, form, submit } from '@angular/forms/signals';
import { BookInputSchema, type Book } from '@books/contracts';
import { filter, firstValueFrom } from 'rxjs';
import { BookEvents } from '../../data-access/book-events.service';
import { BooksStore } from '../../data-access/books.store';
import { idempotencyKeys } from '../../data-access/idempotency';
import { openConflictDialog } from '../conflict-dialog/conflict-dialog';
import { dialogOptions } from '../dialog-options';
import { EMPTY_DRAFT, bookDraftSchema, draftOf, toValidationErrors } from './book-form';

const TITLE_ID = 'book-form-title';

export interface BookFormData {
  /** The book to edit; none to add one. */
  readonly book?: Book;
}

/** A change someone else made to the book while this dialog had it open. */
type TheirChange = { readonly kind: 'changed'; readonly book: Book } | { readonly kind: 'deleted' };

/** Messages for the errors the browser finds before the schema sees a value. */
const NATIVE_ERRORS: Record<string, string> = { parse: 'Enter a whole number, or leave it empty.' };

/**
 * Adds or edits a book. The form runs the API's own rules as the user types, saves through the
 * store, and handles what saving can run into: the API's field errors, a 412 from a concurrent
 * edit, and live changes from others while the dialog is open.
 */
@Component({
  selector: 'app-book-form-dialog',
  imports: [FormField, FormRoot],
  templateUrl: './book-form-dialog.html',
  styleUrl: './book-form-dialog.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'dialog' },
})
export class BookFormDialog {
  private readonly store = inject(BooksStore);
  private readonly dialog = inject(Dialog);
  protected readonly dialogRef = inject<DialogRef<Book>>(DialogRef);
  private readonly editing = inject<BookFormData>(DIALOG_DATA).book;
  private readonly idempotencyKeyFor = idempotencyKeys();

  protected readonly titleId = TITLE_ID;
  protected readonly heading = this.editing ? 'Edit book' : 'Add book';

  private readonly model = signal(this.editing ? draftOf(this.editing) : EMPTY_DRAFT);
  /** The version the form's values came from; a save names it in If-Match. */
  private readonly baseVersion = signal(this.editing?.version ?? 0);
  protected readonly form = form(this.model, bookDraftSchema, { submission: { action: () => this.save() } });

  protected readonly theirChange = signal<TheirChange | undefined>(undefined);
  protected readonly failure = signal<string | undefined>(undefined);
  protected readonly notice = signal<string | undefined>(undefined);
  protected readonly canSave = computed(() => this.theirChange()?.kind !== 'deleted');
  /** An error about the form as a whole rather than one field. */
  protected readonly formError = computed(() => this.errorFor(this.form));

  constructor() {
    if (this.editing) {
      inject(BookEvents)
        .changesTo(this.editing.id)
        // Our own save produces an event too; while saving, it is ours, not theirs.
        .pipe(
          filter((event) => event.version > this.baseVersion() && !this.form().submitting()),
          takeUntilDestroyed(),
        )
        .subscribe(({ book }) => this.theirChange.set(book ? { kind: 'changed', book } : { kind: 'deleted' }));
    }
  }

  /** The message to show under a field, once the user has typed in it or left it, or tried to save. */
  protected errorFor(field: FieldTree<unknown>): string | undefined {
    const state = field();
    if (!state.touched() && !state.dirty()) return undefined;
    const [error] = state.errors();
    return error && (error.message ?? NATIVE_ERRORS[error.kind] ?? 'This value is not valid.');
  }

  /** Replaces the user's values with the other person's version, which the next save builds on. */
  protected loadTheirs(book: Book): void {
    this.model.set(draftOf(book));
    this.form().reset();
    this.baseVersion.set(book.version);
    this.theirChange.set(undefined);
    this.failure.set(undefined);
    this.notice.set('Their version is loaded. Make your changes again, then save.');
    this.form.title().focusBoundControl();
  }

  private async save(): Promise<TreeValidationResult> {
    this.failure.set(undefined);
    this.notice.set(undefined);
    // The submission only runs on a valid form; parsing again gives the trimmed, normalised values.
    const book = BookInputSchema.parse(this.model());
    const result = this.editing
      ? await this.store.update(this.editing.id, book, this.baseVersion())
      : await this.store.create(book, this.idempotencyKeyFor(book));
    switch (result.status) {
      case 'saved':
        this.dialogRef.close(result.book);
        return undefined;
      case 'invalid':
        return toValidationErrors(this.form, result.errors);
      case 'conflict':
        // Not awaited: the form should not look busy while the user weighs the two versions.
        void this.resolveConflict(result.theirs);
        return undefined;
      case 'gone':
        this.theirChange.set({ kind: 'deleted' });
        return undefined;
      case 'failed':
        this.failure.set(result.message);
        return undefined;
    }
  }

  private async resolveConflict(theirs: Book): Promise<void> {
    const choice = await firstValueFrom(openConflictDialog(this.dialog, { theirs, mine: this.model() }).closed);
    if (choice === 'reload') {
      this.loadTheirs(theirs);
    } else if (choice === 'overwrite') {
      this.baseVersion.set(theirs.version);
      this.theirChange.set(undefined);
      await submit(this.form);
    }
  }
}

export function openBookFormDialog(dialog: Dialog, data: BookFormData, injector: Injector): DialogRef<Book, BookFormDialog> {
  return dialog.open<Book, BookFormData, BookFormDialog>(BookFormDialog, dialogOptions(TITLE_ID, data, injector));
}
