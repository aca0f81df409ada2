import { DOCUMENT, Injectable, inject } from '@angular/core';
import { DEFAULT_QUERY, PAGE_SIZES, type PageSize } from './book-list-query';

export const PAGE_SIZE_STORAGE_KEY = 'books.pageSize';

/**
 * Rough heights, in CSS pixels, measured on the page: what sits above the first row (header,
 * toolbar, table header) and below the last (pagination), and one row. Phones show cards.
 */
const CHROME_HEIGHT = 330;
const ROW_HEIGHT = { wide: 68, narrow: 132 } as const;
const NARROW_MAX_WIDTH = 640;

/** The largest page size whose rows fit the viewport without scrolling; never below the smallest. */
export function fittingPageSize(viewportWidth: number, viewportHeight: number): PageSize {
  const rowHeight = viewportWidth <= NARROW_MAX_WIDTH ? ROW_HEIGHT.narrow : ROW_HEIGHT.wide;
  const rows = Math.floor((viewportHeight - CHROME_HEIGHT) / rowHeight);
  // "All" is a choice, never a default: 100 rows is a long page on any screen.
  const candidates = PAGE_SIZES.filter((size) => size <= rows && size < Math.max(...PAGE_SIZES));
  return candidates.at(-1) ?? PAGE_SIZES[0];
}

/**
 * The page size a user gets when the URL names none: the one they last chose (kept in
 * localStorage), else one that fits their screen. The URL still wins, so shared links hold.
 */
@Injectable({ providedIn: 'root' })
export class PageSizePreference {
  private readonly window = inject(DOCUMENT).defaultView;
  /** Read once: a page size that changed under an open page would change its URL's meaning. */
  readonly size: PageSize = this.remembered() ?? this.fitted();

  remember(size: PageSize): void {
    try {
      this.window?.localStorage.setItem(PAGE_SIZE_STORAGE_KEY, String(size));
    } catch {
      // Storage can be full or refused (private browsing): the choice then lasts for this page only.
    }
  }

  private remembered(): PageSize | undefined {
    try {
      const stored = Number(this.window?.localStorage.getItem(PAGE_SIZE_STORAGE_KEY));
      return PAGE_SIZES.find((size) => size === stored);
    } catch {
      return undefined;
    }
  }

  private fitted(): PageSize {
    return this.window ? fittingPageSize(this.window.innerWidth, this.window.innerHeight) : DEFAULT_QUERY.size;
  }
}
