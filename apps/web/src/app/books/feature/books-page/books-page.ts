import { Dialog } from '@angular/cdk/dialog';
import {
  ChangeDetectionStrategy,
  Component,
  DOCUMENT,
  type ElementRef,
  Injector,
  afterNextRender,
  computed,
  inject,
  viewChild,
} from '@angular/core';
import type { Book } from '@books/contracts';
import { firstValueFrom } from 'rxjs';
import { BookImportStore, type CompletedImport } from '../../data-access/book-import.store';
import { BooksStore } from '../../data-access/books.store';
import { Toaster } from '../../data-access/toaster.service';
import { BookTable } from '../../ui/book-table/book-table';
import { BookToolbar } from '../../ui/book-toolbar/book-toolbar';
import { ImportPanel } from '../../ui/import-panel/import-panel';
import { Pagination } from '../../ui/pagination/pagination';
import { openBookFormDialog } from '../book-form-dialog/book-form-dialog';
import { openConfirmDeleteDialog } from '../confirm-delete-dialog/confirm-delete-dialog';
import { openImportReportDialog } from '../import-report-dialog/import-report-dialog';

/** The catalogue: search and filters, one page of books, imports, and the dialogs to change them. */
@Component({
  selector: 'app-books-page',
  imports: [BookToolbar, ImportPanel, BookTable, Pagination],
  providers: [BooksStore, BookImportStore],
  templateUrl: './books-page.html',
  styleUrl: './books-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '(window:beforeunload)': 'confirmLeaving($event)' },
})
export class BooksPage {
  protected readonly store = inject(BooksStore);
  protected readonly imports = inject(BookImportStore);
  private readonly dialog = inject(Dialog);
  private readonly toaster = inject(Toaster);
  private readonly injector = inject(Injector);
  private readonly document = inject(DOCUMENT);
  private readonly toolbar = viewChild.required(BookToolbar);
  private readonly importPanel = viewChild.required(ImportPanel);
  private readonly results = viewChild.required<ElementRef<HTMLElement>>('results');

  protected readonly placeholderRows = computed(() => (this.store.firstLoad() ? this.store.query().size : 0));
  protected readonly empty = computed(() => this.store.status() === 'ready' && this.store.total() === 0);

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

  protected clearSearch(): void {
    this.store.search('');
    this.toolbar().focusSearch();
  }

  /**
   * Closing the report puts the keyboard back where it was, unless that was in the import
   * panel (gone by then) or nowhere: then on Import, which started it all.
   */
  private async showReport(importing: Promise<CompletedImport | undefined>): Promise<void> {
    const completed = await importing;
    if (!completed) return;
    const focused = this.document.activeElement;
    const lost = !focused || focused === this.document.body || this.importPanel().contains(focused);
    const report = openImportReportDialog(this.dialog, completed, !lost);
    if (lost) report.closed.subscribe(() => this.toolbar().focusImport());
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
