import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { parseSortKey, type Book, type SortField, type SortKey } from '@books/contracts';
import { BookYearPipe } from '../book-year.pipe';

/** The columns the API can sort by, in the order the table shows them. */
const SORTABLE_COLUMNS: readonly { readonly field: SortField; readonly label: string }[] = [
  { field: 'title', label: 'Title' },
  { field: 'author', label: 'Author' },
  { field: 'year', label: 'Year' },
  { field: 'score', label: 'Score' },
];

/** One page of books. On narrow screens each row becomes a card (see the stylesheet). */
@Component({
  selector: 'app-book-table',
  imports: [BookYearPipe],
  templateUrl: './book-table.html',
  styleUrl: './book-table.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class BookTable {
  readonly books = input.required<readonly Book[]>();
  readonly sort = input.required<SortKey>();
  /** The rows are being replaced; they stay, dimmed, until the new ones arrive. */
  readonly busy = input(false);
  /** Placeholder rows for a first load, when there is nothing to show yet. */
  readonly placeholderRows = input(0);
  readonly highlighted = input<ReadonlySet<string>>(new Set());

  readonly sortChange = output<SortField>();
  readonly edit = output<Book>();
  readonly history = output<Book>();
  readonly remove = output<Book>();

  protected readonly headers = computed(() => {
    const { field: sorted, direction } = parseSortKey(this.sort());
    return SORTABLE_COLUMNS.map((column) => {
      if (column.field !== sorted) return { ...column, ariaSort: null, arrow: '↕' };
      return direction === 1
        ? { ...column, ariaSort: 'ascending', arrow: '↑' }
        : { ...column, ariaSort: 'descending', arrow: '↓' };
    });
  });

  protected readonly placeholders = computed(() => Array.from({ length: this.placeholderRows() }, (_, index) => index));
}
