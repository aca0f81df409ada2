import { DIALOG_DATA, Dialog, DialogRef } from '@angular/cdk/dialog';
import { createGlobalPositionStrategy } from '@angular/cdk/overlay';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  Injector,
  afterNextRender,
  computed,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import type { Book } from '@books/contracts';
import { BookHistoryStore } from '../../data-access/book-history.store';
import { HistoryList } from '../../ui/history-list/history-list';
import { dialogOptions } from '../dialog-options';

const TITLE_ID = 'history-title';
const BOOK_ID = 'history-book';
/** "5 minutes ago" stays true while the panel is open. */
export const CLOCK_TICK_MS = 30_000;
const COUNT_FORMAT = new Intl.NumberFormat('en-US');

export interface HistoryData {
  readonly book: Pick<Book, 'id' | 'title' | 'author'>;
}

/**
 * A book's history in a panel along the right edge (the whole screen on a phone): its versions,
 * newest first, a page at a time, with versions others make while it is open added on top.
 */
@Component({
  selector: 'app-history-dialog',
  imports: [HistoryList],
  providers: [BookHistoryStore],
  templateUrl: './history-dialog.html',
  styleUrl: './history-dialog.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'dialog history-dialog' },
})
export class HistoryDialog {
  protected readonly titleId = TITLE_ID;
  protected readonly bookId = BOOK_ID;
  protected readonly dialogRef = inject<DialogRef<void>>(DialogRef);
  protected readonly book = inject<HistoryData>(DIALOG_DATA).book;
  protected readonly store = inject(BookHistoryStore);
  private readonly injector = inject(Injector);
  private readonly list = viewChild(HistoryList);

  protected readonly now = signal(Date.now());
  protected readonly count = computed(() => {
    const shown = this.store.entries().length;
    const total = this.store.total();
    return `Showing ${COUNT_FORMAT.format(shown)} of ${COUNT_FORMAT.format(total)} ${total === 1 ? 'version' : 'versions'}.`;
  });

  constructor() {
    void this.store.open(this.book.id);
    const clock = setInterval(() => this.now.set(Date.now()), CLOCK_TICK_MS);
    inject(DestroyRef).onDestroy(() => clearInterval(clock));
  }

  /** The keyboard moves to the first version added, so reading goes on where the list grew. */
  protected async showOlder(): Promise<void> {
    const before = this.store.entries().length;
    const added = await this.store.showOlder();
    if (added === 0) return;
    const first = this.store.entries()[before]?.version;
    afterNextRender(() => this.list()?.focusVersion(first), { injector: this.injector });
  }
}

export function openHistoryDialog(dialog: Dialog, book: HistoryData['book'], injector: Injector): DialogRef<void, HistoryDialog> {
  return dialog.open<void, HistoryData, HistoryDialog>(HistoryDialog, {
    ...dialogOptions<HistoryData, DialogRef<void, HistoryDialog>>(TITLE_ID, { book }, injector),
    panelClass: ['dialog-panel', 'dialog-panel--drawer'],
    positionStrategy: createGlobalPositionStrategy(injector).top('0').right('0'),
    width: '30rem',
    maxWidth: '100vw',
    height: '100dvh',
    maxHeight: '100dvh',
    ariaDescribedBy: BOOK_ID,
    // The heading and the book's name are read first; Tab then reaches Close and the list.
    autoFocus: 'dialog',
  });
}
