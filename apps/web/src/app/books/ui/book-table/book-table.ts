import { ChangeDetectionStrategy, Component, ElementRef, computed, inject, input, output } from '@angular/core';
import { parseSortKey, type Book, type SortField, type SortKey } from '@books/contracts';
import { BookYearPipe } from '../book-year.pipe';
import { isPlainClick } from '../in-app-link';

/** The columns the API can sort by, in the order the table shows them. */
const SORTABLE_COLUMNS: readonly { readonly field: SortField; readonly label: string }[] = [
  { field: 'title', label: 'Title' },
  { field: 'author', label: 'Author' },
  { field: 'year', label: 'Year' },
  { field: 'score', label: 'Score' },
];

/** Asks to mark a book read or unread. */
export interface ReadChange {
  readonly book: Book;
  readonly read: boolean;
}

/**
 * One page of books. Each title links to the book's own page (`/books/:id`), and the Read
 * column marks a book read or unread in place. On narrow screens each row becomes a card
 * (see the stylesheet).
 */
@Component({
  selector: 'app-book-table',
  imports: [BookYearPipe],
  templateUrl: './book-table.html',
  styleUrl: './book-table.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { '[style.--reserve-rows]': 'reserveRows()' },
})
export class BookTable {
  readonly books = input.required<readonly Book[]>();
  readonly sort = input.required<SortKey>();
  /** The rows are being replaced; they stay, dimmed, until the new ones arrive. */
  readonly busy = input(false);
  /** Placeholder rows for a first load, when there is nothing to show yet. */
  readonly placeholderRows = input(0);
  readonly highlighted = input<ReadonlySet<string>>(new Set());
  /** Read states on their way to the API, by book id: shown in place of the book's own. */
  readonly readsSaving = input<ReadonlyMap<string, boolean>>(new Map());
  /** Rows are kept, moved or made anew by book within one key; a new key makes them all anew. */
  readonly pageKey = input('');
  /** Rows to keep room for (a full page), so a short page does not pull the pager up. */
  readonly reserveRows = input(0);
  /** The user may change books: Edit, Delete and the Read checkbox; otherwise Read is only said. */
  readonly canEdit = input(true);

  readonly sortChange = output<SortField>();
  readonly edit = output<Book>();
  readonly history = output<Book>();
  readonly remove = output<Book>();
  readonly readChange = output<ReadChange>();
  /** A plain click on a title: the page opens the book without reloading the app. */
  readonly open = output<Book>();

  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);

  protected readonly headers = computed(() => {
    const { field: sorted, direction } = parseSortKey(this.sort());
    return SORTABLE_COLUMNS.map((column) => {
      if (column.field !== sorted) return { ...column, ariaSort: null, arrow: '↕' };
      return direction === 1
        ? { ...column, ariaSort: 'ascending', arrow: '↑' }
        : { ...column, ariaSort: 'descending', arrow: '↓' };
    });
  });

  protected readonly pageKeys = computed(() => [this.pageKey()]);
  protected readonly placeholders = computed(() => Array.from({ length: this.placeholderRows() }, (_, index) => index));

  /** Relative to <base href>, so the link works wherever the app is served. */
  protected bookHref(book: Book): string {
    return `books/${encodeURIComponent(book.id)}`;
  }

  protected openBook(book: Book, event: MouseEvent): void {
    if (!isPlainClick(event)) return;
    event.preventDefault();
    this.open.emit(book);
  }

  protected toggleRead(book: Book, event: Event): void {
    const checkbox = event.target as HTMLInputElement;
    const read = checkbox.checked;
    // The box shows what the row's state says, not the click, until the store has it.
    checkbox.checked = this.readsSaving().get(book.id) ?? book.read;
    this.readChange.emit({ book, read });
  }

  /** Moves the keyboard to a book's link, e.g. after "Show" brought it into view. */
  focusBook(id: string): void {
    const links = this.host.nativeElement.querySelectorAll<HTMLElement>('a[data-book-id]');
    [...links].find((link) => link.dataset['bookId'] === id)?.focus();
  }
}
