import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { PAGE_SIZES, type PageSize } from '../../data-access/book-list-query';

/** "9–16 of 42": the books shown, with an en dash, out of all that match. */
export function rangeLabel(page: number, size: number, total: number): string {
  if (total === 0) return '0 of 0';
  const first = Math.min((page - 1) * size + 1, total);
  const last = Math.min(page * size, total);
  return `${first}–${last} of ${total}`;
}

/** Moves between pages and picks how many books a page holds. */
@Component({
  selector: 'app-pagination',
  templateUrl: './pagination.html',
  styleUrl: './pagination.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Pagination {
  readonly page = input.required<number>();
  readonly size = input.required<PageSize>();
  readonly total = input.required<number>();

  readonly pageChange = output<number>();
  readonly sizeChange = output<PageSize>();

  protected readonly sizes = PAGE_SIZES;
  /** The largest size is as many as the API gives at once: "all" for most catalogues. */
  protected readonly allSize = PAGE_SIZES.at(-1);
  protected readonly pageCount = computed(() => Math.max(1, Math.ceil(this.total() / this.size())));
  protected readonly range = computed(() => rangeLabel(this.page(), this.size(), this.total()));
  protected readonly onFirstPage = computed(() => this.page() <= 1);
  protected readonly onLastPage = computed(() => this.page() >= this.pageCount());

  /**
   * The end buttons are aria-disabled rather than disabled: a disabled button drops the
   * keyboard focus of someone who just pressed it to reach the last page.
   */
  protected goTo(page: number): void {
    if (page >= 1 && page <= this.pageCount() && page !== this.page()) this.pageChange.emit(page);
  }

  protected onSizeChange(event: Event): void {
    this.sizeChange.emit(Number((event.target as HTMLSelectElement).value) as PageSize);
  }
}
