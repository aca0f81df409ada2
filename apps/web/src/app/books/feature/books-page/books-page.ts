import { Dialog } from '@angular/cdk/dialog';
import {
  ChangeDetectionStrategy,
  Component,
  DOCUMENT,
  DestroyRef,
  ElementRef,
  Injector,
  afterNextRender,
  computed,
  effect,
  inject,
  untracked,
  viewChild,
} from '@angular/core';
import { Router } from '@angular/router';
import { parseSortKey, type Book } from '@books/contracts';
import { firstValueFrom } from 'rxjs';
import { Auth } from '../../../auth/data-access/auth.service';
import { BookImportStore, type CompletedImport } from '../../data-access/book-import.store';
import type { ReadFilter } from '../../data-access/book-list-query';
import { BooksStore } from '../../data-access/books.store';
import { Toaster } from '../../data-access/toaster.service';
import { BookTable } from '../../ui/book-table/book-table';
import { BookToolbar } from '../../ui/book-toolbar/book-toolbar';
import { ImportPanel } from '../../ui/import-panel/import-panel';
import { Pagination } from '../../ui/pagination/pagination';
import { openBookFormDialog } from '../book-form-dialog/book-form-dialog';
import { takeDraft } from '../book-form-dialog/unsaved-draft';
import { openConfirmDeleteDialog } from '../confirm-delete-dialog/confirm-delete-dialog';

/** The catalogue: search and filters, one page of books, imports, and the dialogs to change them. */
@Component({
  selector: 'app-books-page',
  imports: [BookToolbar, ImportPanel, BookTable, Pagination],
  providers: [BooksStore, BookImportStore],
  templateUrl: './books-page.html',
  styleUrl: './books-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(window:beforeunload)': 'confirmLeaving($event)', '(document:keydown)': 'onShortcut($event)' },
})
export class BooksPage {
  protected readonly store = inject(BooksStore);
  protected readonly imports = inject(BookImportStore);
  /** Which controls to show: only what the user may do (all of them when sign-in is off). */
  protected readonly auth = inject(Auth);
  private readonly dialog = inject(Dialog);
  private readonly toaster = inject(Toaster);
  private readonly router = inject(Router);
  private readonly injector = inject(Injector);
  private readonly document = inject(DOCUMENT);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly toolbar = viewChild.required(BookToolbar);
  private readonly importPanel = viewChild.required(ImportPanel);
  private readonly results = viewChild.required<ElementRef<HTMLElement>>('results');
  private readonly table = viewChild(BookTable);
  private readonly toolbarElement = viewChild.required(BookToolbar, { read: ElementRef<HTMLElement> });

  protected readonly placeholderRows = computed(() => (this.store.firstLoad() ? this.store.query().size : 0));
  protected readonly empty = computed(() => this.store.status() === 'ready' && this.store.total() === 0);
  /** Names every filter in effect, so an empty list never looks like an empty catalogue. */
  protected readonly emptyTitle = computed(() => emptyTitle(this.store.query().q, this.store.query().read));
  /** The sort "Show" uses after adding a book; no column heading says so. */
  protected readonly newestFirst = computed(() => parseSortKey(this.store.query().sort).field === 'createdAt');

  constructor() {
    // The table's header sticks under the toolbar, which is taller when it wraps (phones, zoom).
    afterNextRender(() => {
      if (typeof ResizeObserver === 'undefined') return;
      const host = this.toolbarElement().nativeElement;
      const observer = new ResizeObserver(() => this.stickyOffset(host));
      observer.observe(host);
      this.stickyOffset(host);
      this.injector.get(DestroyRef).onDestroy(() => observer.disconnect());
    });
    // Back from signing in again during a save: the form opens as the user left it.
    const draft = takeDraft();
    if (draft) afterNextRender(() => openBookFormDialog(this.dialog, { book: draft.book, draft: draft.values }, this.injector));
    // "Show" on the toast of a new book: once its page is on screen, the keyboard goes to it.
    effect(() => {
      const revealed = this.store.revealed();
      const table = this.table();
      if (!revealed || !table || !this.store.books().some((book) => book.id === revealed)) return;
      untracked(() => this.store.revealed.set(undefined));
      afterNextRender(() => table.focusBook(revealed), { injector: this.injector });
    });
  }

  protected openBook(book: Book): void {
    void this.router.navigate(['/books', book.id]);
  }

  protected addBook(): void {
    openBookFormDialog(this.dialog, {}, this.injector);
  }

  protected editBook(book: Book): void {
    openBookFormDialog(this.dialog, { book }, this.injector);
  }

  /**
   * The history panel is loaded on first use: most visits never open it, and the initial bundle
   * stays within its budget (see the README).
   */
  protected async showHistory(book: Book): Promise<void> {
    try {
      const { openHistoryDialog } = await import('../history-dialog/history-dialog');
      openHistoryDialog(this.dialog, book, this.injector);
    } catch {
      // The chunk did not load: offline, or a new release replaced it on the server.
      this.toaster.error('The history could not be opened. Check your connection, or reload the page, then try again.');
    }
  }

  protected async deleteBook(book: Book): Promise<void> {
    const confirmed = await firstValueFrom(openConfirmDeleteDialog(this.dialog, book).closed);
    if (confirmed && (await this.store.remove(book))) this.refocusIfLost();
  }

  protected async importFile(file: File): Promise<void> {
    await this.showReport(this.imports.start(file));
  }

  protected async retryImport(): Promise<void> {
    const retried = this.imports.retry();
    // "Try again" goes with the failure message; the keyboard moves on to the new Cancel.
    afterNextRender(() => this.importPanel().focus(), { injector: this.injector });
    await this.showReport(retried);
  }

  /** The panel, and the button in it, go away: the keyboard goes back to Import. */
  protected cancelImport(): void {
    this.imports.cancel();
    this.toolbar().focusImport();
  }

  protected dismissImport(): void {
    this.imports.dismiss();
    this.toolbar().focusImport();
  }

  /** Leaving the page aborts an upload half way: the browser asks first. */
  protected confirmLeaving(event: BeforeUnloadEvent): void {
    if (this.imports.busy()) event.preventDefault();
  }

  /**
   * `/` searches and `n` adds a book, as in many web apps; not while typing, with a modifier
   * (the browser's and the screen reader's own keys), or over a dialog.
   */
  protected onShortcut(event: KeyboardEvent): void {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || this.dialog.openDialogs.length > 0) return;
    const target = event.target as HTMLElement | null;
    if (target?.closest('input, textarea, select, [contenteditable]:not([contenteditable="false"])')) return;
    if (event.key === '/') {
      event.preventDefault();
      this.toolbar().focusSearch();
    } else if ((event.key === 'n' || event.key === 'N') && this.auth.canEdit()) {
      event.preventDefault();
      this.addBook();
    }
  }

  protected showAllBooks(): void {
    this.store.filter('all');
  }

  protected clearSearch(): void {
    this.store.search('');
    this.toolbar().focusSearch();
  }

  /**
   * Closing the report puts the keyboard back where it was, unless that was in the import
   * panel (gone by then) or nowhere: then on Import, which started it all. The report is
   * loaded on first use, as the history is (an import is rarer than a visit).
   */
  private async showReport(importing: Promise<CompletedImport | undefined>): Promise<void> {
    const completed = await importing;
    if (!completed) return;
    let openImportReportDialog: typeof import('../import-report-dialog/import-report-dialog').openImportReportDialog;
    try {
      ({ openImportReportDialog } = await import('../import-report-dialog/import-report-dialog'));
    } catch {
      this.toaster.error('The import finished, but its report could not be opened. Check your connection, or reload the page.');
      return;
    }
    const focused = this.document.activeElement;
    const lost = !focused || focused === this.document.body || this.importPanel().contains(focused);
    const report = openImportReportDialog(this.dialog, completed, !lost);
    if (lost) report.closed.subscribe(() => this.toolbar().focusImport());
  }

  private stickyOffset(toolbar: HTMLElement): void {
    const sticky = getComputedStyle(toolbar).position === 'sticky';
    this.host.nativeElement.style.setProperty('--sticky-top', sticky ? `${toolbar.offsetHeight}px` : '0px');
  }

  /** A deleted row takes its focused button with it; keep keyboard users in the list. */
  private refocusIfLost(): void {
    afterNextRender(
      () => {
        const focused = this.document.activeElement;
        if (!focused || focused === this.document.body) this.results().nativeElement.focus();
      },
      { injector: this.injector },
    );
  }
}

export function emptyTitle(q: string, read: ReadFilter): string {
  const books = read === 'all' ? 'books' : `${read} books`;
  return q ? `No ${books} match “${q}”` : `No ${books}`;
}
