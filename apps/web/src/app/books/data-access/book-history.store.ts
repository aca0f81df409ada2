import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import type { BookHistoryEntry, BookHistoryPage } from '@books/contracts';
import { type Subscription, firstValueFrom } from 'rxjs';
import { BookEvents } from './book-events.service';
import { BooksApi } from './books-api.service';
import { type ApiError, describeApiError, toApiError } from './problem';

/** Versions per page: a screenful or two. A book with thousands of versions loads them on demand. */
export const HISTORY_PAGE_SIZE = 20;

export type HistoryStatus = 'loading' | 'ready' | 'error';

interface HistoryState {
  readonly status: HistoryStatus;
  /** Newest first, as the API pages them. */
  readonly entries: readonly BookHistoryEntry[];
  /** The `before` of the next, older page; null when version 1 is shown. */
  readonly next: number | null;
  readonly error: ApiError | undefined;
  /** Loading an older page, and why that failed; the versions shown stay. */
  readonly loadingOlder: boolean;
  readonly olderError: ApiError | undefined;
}

const INITIAL: HistoryState = { status: 'loading', entries: [], next: null, error: undefined, loadingOlder: false, olderError: undefined };

/**
 * One book's history for the history panel: the newest page first, older pages on demand, and
 * versions made while the panel is open (by anyone) added at the top as they happen. Never reads
 * more than a page per request, however long the history.
 */
@Injectable()
export class BookHistoryStore {
  private readonly api = inject(BooksApi);
  private readonly events = inject(BookEvents);
  private readonly state = signal<HistoryState>(INITIAL);
  private bookId = '';
  private live?: Subscription;
  /** Each open() and each live catch-up gets a number; an answer for an older one is dropped. */
  private generation = 0;

  readonly status = computed(() => this.state().status);
  readonly entries = computed(() => this.state().entries);
  readonly hasOlder = computed(() => this.state().next !== null);
  readonly loadingOlder = computed(() => this.state().loadingOlder);
  /** Versions are numbered from 1 with no gaps, so the newest one is how many there are. */
  readonly total = computed(() => this.state().entries[0]?.version ?? 0);
  readonly errorMessage = computed(() => message(this.state().error));
  readonly olderErrorMessage = computed(() => message(this.state().olderError));

  constructor() {
    inject(DestroyRef).onDestroy(() => this.live?.unsubscribe());
  }

  /** Loads the newest page of the book's history, and follows its changes from then on. */
  open(bookId: string): Promise<void> {
    this.bookId = bookId;
    this.live?.unsubscribe();
    this.live = this.events.changesTo(bookId).subscribe((event) => {
      if (this.status() === 'ready' && event.version > this.total()) void this.catchUp();
    });
    return this.loadNewest();
  }

  retry(): Promise<void> {
    return this.loadNewest();
  }

  /** Adds the next, older page below; resolves to how many versions it added. */
  async showOlder(): Promise<number> {
    const { next, loadingOlder } = this.state();
    if (next === null || loadingOlder) return 0;
    this.state.update((state) => ({ ...state, loadingOlder: true, olderError: undefined }));
    const generation = this.generation;
    try {
      const page = await firstValueFrom(this.api.history(this.bookId, { before: next, limit: HISTORY_PAGE_SIZE }));
      if (generation !== this.generation) return 0;
      // A live catch-up may have run meanwhile: keep only what is older than what is shown.
      const oldest = this.entries().at(-1)?.version ?? Infinity;
      const older = page.items.filter((entry) => entry.version < oldest);
      this.state.update((state) => ({ ...state, entries: [...state.entries, ...older], next: page.next, loadingOlder: false }));
      return older.length;
    } catch (error) {
      if (generation === this.generation) {
        this.state.update((state) => ({ ...state, loadingOlder: false, olderError: toApiError(error) }));
      }
      return 0;
    }
  }

  private async loadNewest(): Promise<void> {
    const generation = ++this.generation;
    this.state.set(INITIAL);
    try {
      const page = await this.newestPage();
      if (generation === this.generation) this.state.set({ ...INITIAL, status: 'ready', entries: page.items, next: page.next });
    } catch (error) {
      if (generation === this.generation) this.state.set({ ...INITIAL, status: 'error', error: toApiError(error) });
    }
  }

  /**
   * A change arrived: puts the versions newer than the top one above it. If more came than a
   * page holds, the newest page replaces the list, as a fresh open would show it.
   */
  private async catchUp(): Promise<void> {
    const generation = this.generation;
    let page: BookHistoryPage;
    try {
      page = await this.newestPage();
    } catch {
      return; // the list shown is still true, only not the latest; the next change tries again
    }
    if (generation !== this.generation) return;
    const newest = this.total();
    const newer = page.items.filter((entry) => entry.version > newest);
    if (newer.length === 0) return;
    const joined = newer[newer.length - 1].version === newest + 1;
    // A gap: the list starts over, and an older page still on its way no longer fits it.
    if (!joined) this.generation += 1;
    this.state.update((state) =>
      joined
        ? { ...state, entries: [...newer, ...state.entries] }
        : { ...INITIAL, status: 'ready', entries: page.items, next: page.next },
    );
  }

  private newestPage(): Promise<BookHistoryPage> {
    return firstValueFrom(this.api.history(this.bookId, { limit: HISTORY_PAGE_SIZE }));
  }
}

function message(error: ApiError | undefined): string {
  if (!error) return '';
  if (error.status === 404) return 'This book has no history: it may never have been saved.';
  return describeApiError(error);
}
