import { DIALOG_DATA, Dialog, DialogRef } from '@angular/cdk/dialog';
import {
  ChangeDetectionStrategy,
  Component,
  DOCUMENT,
  ElementRef,
  Injector,
  afterNextRender,
  computed,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { type FieldTree, FormField, FormRoot, type TreeValidationResult, form, submit } from '@angular/forms/signals';
import { BookInputSchema, EDITABLE_FIELDS, type Book, type EditableField } from '@books/contracts';
import { filter, merge } from 'rxjs';
import { Auth } from '../../../auth/data-access/auth.service';
import { BookEvents } from '../../data-access/book-events.service';
import { type BookMerge as FieldMerge, mergeBook, resolveMerge, sameValue } from '../../data-access/book-merge';
import { BooksStore } from '../../data-access/books.store';
import { idempotencyKeys } from '../../data-access/idempotency';
import { BookMerge, type MergeAnswers, type MergeQuestion, type MergedField, listOf } from '../../ui/book-merge/book-merge';
import { formatYear } from '../../ui/book-year.pipe';
import { dialogOptions } from '../dialog-options';
import { type BookDraft, EMPTY_DRAFT, SCORE_MESSAGE, bookDraftSchema, draftOf, inputOf, toValidationErrors } from './book-form';
import { keepDraft } from './unsaved-draft';

const TITLE_ID = 'book-form-title';
/** A save that keeps meeting newer versions gives up after this many merges, and says so. */
const MAX_MERGES_PER_SAVE = 3;

export interface BookFormData {
  /** The book to edit; none to add one. */
  readonly book?: Book;
  /** Values to start from instead of the book's: a draft kept across signing in again. */
  readonly draft?: BookDraft;
}

/** A change someone else made to the book while this dialog had it open. */
type TheirChange = { readonly kind: 'changed'; readonly book: Book } | { readonly kind: 'deleted' };

/** Their version merged with the form, waiting for this user to settle the fields both changed. */
interface PendingMerge {
  readonly theirs: Book;
  readonly merge: FieldMerge<BookDraft>;
  /** After a refused save the merge saves; from the live warning it only fills in the form. */
  readonly then: 'save' | 'fill';
}

/** Messages for the errors the browser finds before the schema sees a value (only Score is a number input). */
const NATIVE_ERRORS: Record<string, string> = { parse: SCORE_MESSAGE };

const LABELS: Record<EditableField, string> = { title: 'Title', author: 'Author', year: 'Year', score: 'Score', read: 'Read' };

/**
 * Adds or edits a book. The form runs the API's own rules as the user types, saves through the
 * store, and handles what saving can run into: the API's field errors, a 412 from a concurrent
 * edit (merged field by field, asking only about fields both people changed), and live changes
 * from others while the dialog is open. Closing with unsaved changes asks first; closing during
 * a save waits for its outcome.
 */
@Component({
  selector: 'app-book-form-dialog',
  imports: [FormField, FormRoot, BookMerge],
  templateUrl: './book-form-dialog.html',
  styleUrl: './book-form-dialog.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'dialog' },
})
export class BookFormDialog {
  private readonly store = inject(BooksStore);
  protected readonly dialogRef = inject<DialogRef<Book>>(DialogRef);
  private readonly data = inject<BookFormData>(DIALOG_DATA);
  private readonly editing = this.data.book;
  private readonly auth = inject(Auth);
  private readonly idempotencyKeyFor = idempotencyKeys();
  private readonly injector = inject(Injector);
  private readonly document = inject(DOCUMENT);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly saveButton = viewChild<ElementRef<HTMLButtonElement>>('saveButton');
  private readonly keepEditingButton = viewChild<ElementRef<HTMLButtonElement>>('keepEditingButton');

  protected readonly titleId = TITLE_ID;
  protected readonly heading = this.editing ? 'Edit book' : 'Add book';

  /** The version the form's values build on: the book as opened, or as last merged. A save names it in If-Match. */
  private readonly base = signal(this.editing);
  private readonly model = signal(this.data.draft ?? (this.editing ? draftOf(this.editing) : EMPTY_DRAFT));
  protected readonly form = form(this.model, bookDraftSchema, { submission: { action: () => this.save() } });

  protected readonly theirChange = signal<TheirChange | undefined>(undefined);
  protected readonly failure = signal<string | undefined>(undefined);
  protected readonly notice = signal<string | undefined>(
    this.data.draft && 'Your unsaved changes are back. Save to keep them.',
  );
  /** A save met an ended sign-in: the form stays as it is, and offers to sign in again. */
  protected readonly signInNeeded = signal(false);
  protected readonly pendingMerge = signal<PendingMerge | undefined>(undefined);
  protected readonly confirmingDiscard = signal(false);
  /** The user asked to close while saving: close once saved, or stay to show what went wrong. */
  protected readonly closeWhenSaved = signal(false);
  /** The form holds someone else's changes, merged in: the save's message says so. */
  private mergedWithTheirs = false;

  protected readonly canSave = computed(() => this.theirChange()?.kind !== 'deleted');
  /** An error about the form as a whole rather than one field. */
  protected readonly formError = computed(() => this.errorFor(this.form));
  /** Whether closing would lose anything: the values differ from the version they build on. */
  protected readonly changed = computed(() => {
    const model = this.model();
    const base = this.base();
    const pristine = base ? draftOf(base) : EMPTY_DRAFT;
    return EDITABLE_FIELDS.some((field) => !sameValue(model[field], pristine[field]));
  });
  protected readonly mergeView = computed(() => {
    const pending = this.pendingMerge();
    return pending && { ...pending, questions: questionsOf(pending.merge), merged: mergedFieldsOf(pending.merge) };
  });

  constructor() {
    // Escape and the backdrop come here (the dialog is opened with disableClose), so nothing is lost unasked.
    merge(
      this.dialogRef.keydownEvents.pipe(filter((event) => event.key === 'Escape' && !event.defaultPrevented)),
      this.dialogRef.backdropClick,
    )
      .pipe(takeUntilDestroyed())
      .subscribe((event) => {
        event.preventDefault();
        this.requestClose();
      });

    if (this.editing) {
      inject(BookEvents)
        .changesTo(this.editing.id)
        // Our own save produces an event too; while saving, it is ours, not theirs.
        .pipe(
          filter((event) => event.version > (this.base()?.version ?? 0) && !this.form().submitting()),
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

  /** Cancel, Escape and the backdrop: step back from a merge or a question, ask before losing changes. */
  protected requestClose(): void {
    if (this.form().submitting()) {
      this.closeWhenSaved.set(true);
    } else if (this.pendingMerge()) {
      this.leaveMerge();
    } else if (this.confirmingDiscard()) {
      this.keepEditing();
    } else if (this.changed() && this.canSave()) {
      this.confirmingDiscard.set(true);
      afterNextRender(() => this.keepEditingButton()?.nativeElement.focus(), { injector: this.injector });
    } else {
      this.dialogRef.close();
    }
  }

  protected keepEditing(): void {
    this.confirmingDiscard.set(false);
    this.focusAfterRender(() => this.host.nativeElement.querySelector<HTMLElement>('[data-cancel]'));
  }

  protected discard(): void {
    this.dialogRef.close();
  }

  /** From the live warning: merges their version into the form now, asking only about fields both changed. */
  protected mergeTheirs(theirs: Book): void {
    const merged = this.mergeWith(theirs);
    if (merged.conflicts.length > 0) {
      this.pendingMerge.set({ theirs, merge: merged, then: 'fill' });
      return;
    }
    this.fillIn(theirs, merged.merged);
    const theirFields = listOf(merged.fromTheirs.map((field) => LABELS[field]));
    this.notice.set(
      merged.fromTheirs.length === 0
        ? 'Their version has the same values as yours.'
        : merged.fromMine.length === 0
          ? `Their changes to ${theirFields} are now in the form.`
          : `Their changes to ${theirFields} are now in the form, with yours. Save to keep both.`,
    );
    this.form.title().focusBoundControl();
  }

  /** The user settled every field both changed. */
  protected async resolve(answers: MergeAnswers): Promise<void> {
    const pending = this.pendingMerge();
    if (!pending) return;
    this.fillIn(pending.theirs, resolveMerge(pending.merge, answers));
    this.pendingMerge.set(undefined);
    if (pending.then === 'fill') {
      this.notice.set('Their changes and your choices are now in the form. Save to keep them.');
      this.focusAfterRender(() => this.host.nativeElement.querySelector<HTMLElement>('#book-title'));
      return;
    }
    this.focusAfterRender(() => this.saveButton()?.nativeElement);
    await submit(this.form);
  }

  /**
   * Signing in leaves the app for the identity provider's page: the form's values go with the
   * tab (sessionStorage) and the books page opens them again on the way back.
   */
  protected async signInAgain(): Promise<void> {
    keepDraft({ book: this.base(), values: this.model() });
    await this.auth.signIn();
  }

  /** Back to the form as it was: nothing merged, nothing saved. */
  protected leaveMerge(): void {
    this.pendingMerge.set(undefined);
    this.focusAfterRender(() => this.saveButton()?.nativeElement);
  }

  private async save(): Promise<TreeValidationResult> {
    this.failure.set(undefined);
    this.notice.set(undefined);
    this.signInNeeded.set(false);
    for (let merges = 0; ; merges++) {
      // The submission only runs on a valid form; parsing again gives the trimmed, normalised values.
      const book = BookInputSchema.parse(inputOf(this.model()));
      const base = this.base();
      const result = base
        ? await this.store.update(base.id, book, base.version, { merged: this.mergedWithTheirs })
        : await this.store.create(book, this.idempotencyKeyFor(book));
      if (result.status === 'saved') {
        this.dialogRef.close(result.book);
        return undefined;
      }
      // Whatever it is, the user should see it: the dialog stays.
      this.closeWhenSaved.set(false);
      switch (result.status) {
        case 'invalid':
          return toValidationErrors(this.form, result.errors, this.model());
        case 'conflict': {
          const merged = this.mergeWith(result.theirs);
          if (merged.conflicts.length === 0 && merges < MAX_MERGES_PER_SAVE) {
            // Nothing overlaps: their changes and mine both stand, without a question.
            this.fillIn(result.theirs, merged.merged);
            continue;
          }
          this.pendingMerge.set({ theirs: result.theirs, merge: merged, then: 'save' });
          return undefined;
        }
        case 'gone':
          this.theirChange.set({ kind: 'deleted' });
          return undefined;
        case 'signed-out':
          this.signInNeeded.set(true);
          return undefined;
        case 'failed':
          this.failure.set(result.message);
          return undefined;
      }
    }
  }

  private mergeWith(theirs: Book): FieldMerge<BookDraft> {
    const base = this.base();
    return mergeBook(base ? draftOf(base) : EMPTY_DRAFT, draftOf(theirs), this.model());
  }

  /** The form now builds on their version: the next save names it in If-Match. */
  private fillIn(theirs: Book, values: BookDraft): void {
    this.model.set(values);
    this.base.set(theirs);
    this.theirChange.set(undefined);
    this.failure.set(undefined);
    this.mergedWithTheirs = true;
  }

  private focusAfterRender(target: () => HTMLElement | null | undefined): void {
    afterNextRender(() => target()?.focus(), { injector: this.injector });
  }
}

function questionsOf({ conflicts }: FieldMerge<BookDraft>): MergeQuestion[] {
  return conflicts.map(({ field, base, theirs, mine }) => ({
    field,
    label: LABELS[field],
    base: shown(field, base),
    theirs: shown(field, theirs),
    mine: shown(field, mine),
  }));
}

function mergedFieldsOf({ merged, fromTheirs, fromMine, agreed }: FieldMerge<BookDraft>): MergedField[] {
  const from = (field: EditableField): MergedField['from'] =>
    fromTheirs.includes(field) ? 'theirs' : fromMine.includes(field) ? 'mine' : 'both';
  return EDITABLE_FIELDS.filter((field) => [...fromTheirs, ...fromMine, ...agreed].includes(field)).map((field) => ({
    label: LABELS[field],
    value: shown(field, merged[field]),
    from: from(field),
  }));
}

/** A field's value in the form, as the table shows it. */
function shown(field: EditableField, value: BookDraft[EditableField]): string {
  switch (field) {
    case 'year': {
      const input = inputOf({ ...EMPTY_DRAFT, year: value as string }).year;
      return typeof input === 'string' ? input : formatYear(input);
    }
    case 'score':
      return value === null ? 'unrated' : String(value);
    case 'read':
      return value ? 'Yes' : 'No';
    default:
      return (value as string).trim() || '(empty)';
  }
}

export function openBookFormDialog(dialog: Dialog, data: BookFormData, injector: Injector): DialogRef<Book, BookFormDialog> {
  return dialog.open<Book, BookFormData, BookFormDialog>(BookFormDialog, { ...dialogOptions(TITLE_ID, data, injector), disableClose: true });
}
