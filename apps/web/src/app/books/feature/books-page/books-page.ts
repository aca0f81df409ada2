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
import { BooksStore } from '../../data-access/books.store';
import { BookTable } from '../../ui/book-table/book-table';
import { BookToolbar } from '../../ui/book-toolbar/book-toolbar';
import { Pagination } from '../../ui/pagination/pagination';
import { openBookFormDialog } from '../book-form-dialog/book-form-dialog';
import { openConfirmDeleteDialog } from '../confirm-delete-dialog/confirm-delete-dialog';

/** The catalogue: search and filters, one page of books, and the dialogs to change them. */
@Component({
  selector: 'app-books-page',
  imports: [BookToolbar, BookTable, Pagination],
  providers: [BooksStore],
  templateUrl: './books-page.html',
  styleUrl: './books-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class BooksPage {
  protected readonly store = inject(BooksStore);
  private readonly dialog = inject(Dialog);
  private readonly injector = inject(Injector);
  private readonly document = inject(DOCUMENT);
  private readonly toolbar = viewChild.required(BookToolbar);
  private readonly results = viewChild.required<ElementRef<HTMLElement>>('results');

  protected readonly placeholderRows = computed(() => (this.store.firstLoad() ? this.store.query().size : 0));
  protected readonly empty = computed(() => this.store.status() === 'ready' && this.store.total() === 0);

  protected addBook(): void {
    openBookFormDialog(this.dialog, {}, this.injector);
  }

  protected editBook(book: Book): void {
    openBookFormDialog(this.dialog, { book }, this.injector);
  }

  protected async deleteBook(book: Book): Promise<void> {
    const confirmed = await firstValueFrom(openConfirmDeleteDialog(this.dialog, book).closed);
    if (confirmed && (await this.store.remove(book))) this.refocusIfLost();
  }

  protected clearSearch(): void {
    this.store.search('');
    this.toolbar().focusSearch();
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
