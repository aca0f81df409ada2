import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import { takeUntilDestroyed, toSignal } from '@angular/core/rxjs-interop';
import { ActivatedRoute, Router } from '@angular/router';
import type { Book, BookEvent, BookInput, BookPage, FieldError, SortField } from '@books/contracts';
import {
  EMPTY,
  type Observable,
  Subject,
  catchError,
  debounceTime,
  distinctUntilChanged,
  firstValueFrom,
  map,
  merge,
  switchMap,
  tap,
} from 'rxjs';
import { BookEvents } from './book-events.service';
import {
  type BookListQuery,
  type PageSize,
  type ReadFilter,
  nextSort,
  queryFromParams,
  sameQuery,
  toListRequest,
  toQueryParams,
} from './book-list-query';
import { BooksApi } from './books-api.service';
import { PageSizePreference } from './page-size';
import { type ApiError, describeApiError, toApiError } from './problem';
import { Toaster } from './toaster.service';

export type ListStatus = 'loading' | 'ready' | 'error';

/** What saving a book came to, for the form to show. */
export type SaveResult =
  | { readonly status: 'saved'; readonly book: Book }
  /** The API refused some fields (400): the messages go next to them. */
  | { readonly status: 'invalid'; readonly errors: readonly FieldError[] }
  /** Someone else changed the book first (412); `theirs` is how it is now. */
  | { readonly status: 'conflict'; readonly theirs: Book }
  /** The book has been deleted. */
  | { readonly status: 'gone' }
  /** The sign-in ended and could not be renewed (401): nothing was saved. */
  | { readonly status: 'signed-out' }
  | { readonly status: 'failed'; readonly message: string };

export const UNDO_WINDOW_MS = 6000;
export const HIGHLIGHT_MS = 2500;
/** Events come in bursts (an import, a busy colleague); one refetch answers a burst. */
export const REFRESH_COALESCE_MS = 150;

interface ListState {
  readonly status: ListStatus;
  /** The last page loaded; it stays on screen while the next one loads. */
  readonly page: BookPage | undefined;
  /** Which query the page answers, as text. */
  readonly pageKey: string;
  readonly error: ApiError | undefined;
}

interface LoadRequest {
  readonly query: BookListQuery;
  /** A refetch after a change: no loading state, and a failure keeps the rows shown. */
  readonly quiet: boolean;
}

/**
 * The books page: which books it shows (named by the URL), their loading and its errors, live
 * changes made by others and the changes this user makes. Components read the signals and call
 * the methods; the rules live here.
 */
@Injectable()
export class BooksStore {
  private readonly api = inject(BooksApi);
  private readonly toaster = inject(Toaster);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly pageSize = inject(PageSizePreference);

  private readonly query$ = this.route.queryParamMap.pipe(
    map((params) => queryFromParams(params, this.pageSize.size)),
    distinctUntilChanged(sameQuery),
  );
  private readonly state = signal<ListState>({ status: 'loading', page: undefined, error: undefined, pageKey: '' });
  private readonly reloads = new Subject<void>();
  private readonly refreshes = new Subject<void>();
  private readonly highlightedIds = signal<ReadonlySet<string>>(new Set());
  private readonly highlightTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Read states sent but not yet saved, by book id: the row shows them at once. */
  private readonly pendingReads = signal<ReadonlyMap<string, boolean>>(new Map());
  /** A book the user asked to see ("Show" on a toast), until a page shows it. */
  private readonly wanted = signal<string | undefined>(undefined);

  readonly query = toSignal(this.query$, { requireSync: true });
  readonly status = computed(() => this.state().status);
  /** Why the list failed to load, in words. */
  readonly errorMessage = computed(() => {
    const error = this.state().error;
    return error ? describeApiError(error) : '';
  });
  /** True until the first page arrives: there is nothing to show yet, not even old rows. */
  readonly firstLoad = computed(() => this.state().page === undefined && this.status() === 'loading');
  readonly books = computed(() => this.state().page?.items ?? []);
  readonly total = computed(() => this.state().page?.total ?? 0);
  /**
   * Names the query the rows answer. Another page or sort is new rows, not the old ones moved
   * (moving rows is a layout shift); a refresh of the same query keeps rows, and their focus.
   */
  readonly pageKey = computed(() => this.state().pageKey);
  readonly pageCount = computed(() => Math.max(1, Math.ceil(this.total() / this.query().size)));
  /** Books changed a moment ago, by anyone: the table flashes their rows. */
  readonly highlighted = this.highlightedIds.asReadonly();
  readonly readsSaving = this.pendingReads.asReadonly();
  /** The book just brought into view on request; the page moves the keyboard to it. */
  readonly revealed = signal<string | undefined>(undefined);

  constructor() {
    merge(
      this.query$.pipe(map((query) => ({ query, quiet: false }))),
      this.reloads.pipe(map(() => ({ query: this.query(), quiet: false }))),
      this.refreshes.pipe(
        debounceTime(REFRESH_COALESCE_MS),
        map(() => ({ query: this.query(), quiet: true })),
      ),
    )
      .pipe(
        // A newer request wins: the answer to an older query must never land on top of it.
        switchMap((request) => this.load(request)),
        takeUntilDestroyed(),
      )
      .subscribe();

    const events = inject(BookEvents);
    events.changes$.pipe(takeUntilDestroyed()).subscribe((event) => this.applyEvent(event));
    events.reconnected$.pipe(takeUntilDestroyed()).subscribe(() => this.refreshes.next());

    inject(DestroyRef).onDestroy(() => this.highlightTimers.forEach((timer) => clearTimeout(timer)));
  }

  sortBy(field: SortField): void {
    this.navigate({ sort: nextSort(this.query().sort, field), page: 1 });
  }

  goToPage(page: number): void {
    this.navigate({ page: Math.min(Math.max(1, page), this.pageCount()) });
  }

  /** Keeps the first book of the current page in view, and remembers the size for next time. */
  setPageSize(size: PageSize): void {
    const { page, size: oldSize } = this.query();
    this.pageSize.remember(size);
    this.navigate({ size, page: Math.floor(((page - 1) * oldSize) / size) + 1 });
  }

  /** Replaces the history entry: the back button should not replay every pause in typing. */
  search(q: string): void {
    this.navigate({ q: q.trim(), page: 1 }, { replaceUrl: true });
  }

  filter(read: ReadFilter): void {
    this.navigate({ read, page: 1 });
  }

  reload(): void {
    this.reloads.next();
  }

  /** Refetches the page without a loading state, as after a live change: for changes made in bulk. */
  refresh(): void {
    this.refreshes.next();
  }

  /**
   * The new book can sort onto any page, or be outside the search: the toast offers to show it,
   * on the first page of newest first (where it is, whatever the catalogue's size).
   */
  async create(book: BookInput, idempotencyKey: string): Promise<SaveResult> {
    try {
      const created = await firstValueFrom(this.api.create(book, idempotencyKey));
      this.changed(created);
      this.toaster.show(`Added “${created.title}”.`, {
        durationMs: UNDO_WINDOW_MS,
        action: { label: 'Show', run: () => this.show(created.id) },
      });
      return { status: 'saved', book: created };
    } catch (error) {
      return this.saveFailed(toApiError(error));
    }
  }

  /**
   * Saves `book` over the version the user edited; a 412 comes back with their version.
   * `merged`: the values hold someone else's changes too, and the message says so.
   */
  async update(id: string, book: BookInput, expectedVersion: number, { merged = false } = {}): Promise<SaveResult> {
    try {
      const saved = await firstValueFrom(this.api.replace(id, book, expectedVersion));
      this.changed(saved);
      this.toaster.show(merged ? `Saved “${saved.title}”. Merged with changes made by someone else.` : `Saved “${saved.title}”.`);
      return { status: 'saved', book: saved };
    } catch (error) {
      const apiError = toApiError(error);
      return apiError.status === 412 ? this.conflictOver(id) : this.saveFailed(apiError);
    }
  }

  /**
   * Deletes at once, then offers a few seconds to undo, which restores the same book (same id,
   * its version continuing), so links to it and dialogs open on it stay valid. Resolves to
   * whether the book is gone.
   */
  async remove(book: Book): Promise<boolean> {
    try {
      await firstValueFrom(this.api.delete(book.id, book.version));
    } catch (error) {
      return this.removeFailed(book, toApiError(error));
    }
    this.removeShown(book.id);
    this.refreshes.next();
    this.toaster.show(`Deleted “${book.title}”.`, {
      durationMs: UNDO_WINDOW_MS,
      // The delete took the next version; the restore names it, so it undoes this delete only.
      action: { label: 'Undo', run: () => void this.restore(book, book.version + 1) },
    });
    return true;
  }

  /** Goes to the first page of newest first, with no search or filter, and flashes the book there. */
  show(id: string): void {
    this.wanted.set(id);
    const query = { page: 1, sort: '-createdAt' as const, q: '', read: 'all' as const };
    if (sameQuery(this.query(), { ...this.query(), ...query })) this.reload();
    else this.navigate(query);
  }

  /**
   * Marks a book read or unread from its row, over the version the row shows. The row shows the
   * new state at once; a 412 puts the current version in the row and says why nothing changed.
   */
  async setRead(book: Book, read: boolean): Promise<void> {
    if (this.pendingReads().has(book.id)) return;
    this.pendingReads.update((pending) => new Map(pending).set(book.id, read));
    try {
      const saved = await firstValueFrom(this.api.patch(book.id, { read }, book.version));
      this.changed(saved);
      this.toaster.show(`Marked “${saved.title}” as ${read ? 'read' : 'unread'}.`, {
        action: { label: 'Undo', run: () => void this.setRead(saved, !read) },
      });
    } catch (error) {
      await this.readFailed(book, read, toApiError(error));
    } finally {
      this.pendingReads.update((pending) => {
        const rest = new Map(pending);
        rest.delete(book.id);
        return rest;
      });
    }
  }

  private async readFailed(book: Book, read: boolean, error: ApiError): Promise<void> {
    const change = read ? 'marked read' : 'marked unread';
    if (error.status === 404) {
      this.removeShown(book.id);
      this.refreshes.next();
      this.toaster.show(`“${book.title}” had been deleted, so it was not ${change}.`, { tone: 'info' });
      return;
    }
    if (error.status !== 412) {
      this.toaster.error(`“${book.title}” was not ${change}. ${describeApiError(error)}`);
      return;
    }
    try {
      this.changed(await firstValueFrom(this.api.get(book.id)));
      this.toaster.error(`“${book.title}” was changed by someone else, so it was not ${change}. Its row now shows the latest version.`);
    } catch {
      this.refreshes.next();
      this.toaster.error(`“${book.title}” was changed by someone else, so it was not ${change}.`);
    }
  }

  private load(request: LoadRequest): Observable<unknown> {
    const { query } = request;
    // Quiet only over a settled list: a refetch that replaces a pending load must report like it.
    const quiet = request.quiet && this.status() === 'ready';
    if (!quiet) this.state.update((state) => ({ ...state, status: 'loading', error: undefined }));
    return this.api.list(toListRequest(query)).pipe(
      tap((page) => this.showPage(query, page)),
      catchError((error: unknown) => {
        // A quiet refresh that fails keeps the rows shown; the next change or reload tries again.
        if (!quiet) this.state.update((state) => ({ ...state, status: 'error', error: toApiError(error) }));
        return EMPTY;
      }),
    );
  }

  private showPage(query: BookListQuery, page: BookPage): void {
    const lastPage = Math.max(1, Math.ceil(page.total / query.size));
    if (query.page > lastPage) {
      // Past the end (an old link, or the last book of the last page went): show the last page.
      this.navigate({ page: lastPage }, { replaceUrl: true });
      return;
    }
    this.state.set({ status: 'ready', page, error: undefined, pageKey: JSON.stringify(query) });
    const wanted = this.wanted();
    if (wanted && page.items.some((book) => book.id === wanted)) {
      this.wanted.set(undefined);
      this.highlight(wanted);
      this.revealed.set(wanted);
    }
  }

  private applyEvent(event: BookEvent): void {
    const shown = this.books().find((book) => book.id === event.bookId);
    if (shown && event.version <= shown.version) return; // we show this change, or a later one
    if (event.book) {
      this.replaceShown(event.book);
      this.highlight(event.bookId);
    } else {
      this.removeShown(event.bookId);
    }
    // Order, membership and totals follow the server's sorting, search and filters: ask it.
    this.refreshes.next();
  }

  private changed(book: Book): void {
    this.replaceShown(book);
    this.highlight(book.id);
    this.refreshes.next();
  }

  private async conflictOver(id: string): Promise<SaveResult> {
    try {
      const theirs = await firstValueFrom(this.api.get(id));
      this.replaceShown(theirs);
      return { status: 'conflict', theirs };
    } catch (error) {
      return this.saveFailed(toApiError(error));
    }
  }

  private saveFailed(error: ApiError): SaveResult {
    if (error.status === 404) {
      this.refreshes.next();
      return { status: 'gone' };
    }
    if (error.status === 400 && error.fieldErrors.length > 0) return { status: 'invalid', errors: error.fieldErrors };
    if (error.status === 401) return { status: 'signed-out' };
    return { status: 'failed', message: describeApiError(error) };
  }

  private removeFailed(book: Book, error: ApiError): boolean {
    this.refreshes.next();
    if (error.status === 404) {
      this.removeShown(book.id);
      this.toaster.show(`“${book.title}” had already been deleted.`, { tone: 'info' });
      return true;
    }
    this.toaster.error(
      error.status === 412
        ? `“${book.title}” was changed by someone else, so it was not deleted. Check the new version, then try again.`
        : `“${book.title}” was not deleted. ${describeApiError(error)}`,
    );
    return false;
  }

  private async restore(book: Book, deleteVersion: number): Promise<void> {
    try {
      const restored = await firstValueFrom(this.api.restore(book.id, deleteVersion));
      this.changed(restored);
      this.toaster.show(`Restored “${restored.title}”.`);
    } catch (error) {
      this.restoreFailed(book, toApiError(error));
    }
  }

  private restoreFailed(book: Book, error: ApiError): void {
    this.refreshes.next();
    switch (error.status) {
      case 409:
        this.toaster.show(`“${book.title}” is back already: someone else restored it.`, { tone: 'info' });
        return;
      case 412:
        this.toaster.error(`“${book.title}” was not restored: someone else restored it and deleted it again since.`);
        return;
      default:
        this.toaster.error(`“${book.title}” could not be restored. ${describeApiError(error)}`);
    }
  }

  /** Puts a newer version of a book in its row, if the page shows it. */
  private replaceShown(book: Book): void {
    this.updatePage((page) => ({
      ...page,
      items: page.items.map((item) => (item.id === book.id && book.version > item.version ? book : item)),
    }));
  }

  private removeShown(id: string): void {
    this.updatePage((page) => {
      const items = page.items.filter((item) => item.id !== id);
      return { ...page, items, total: page.total - (page.items.length - items.length) };
    });
  }

  private updatePage(change: (page: BookPage) => BookPage): void {
    this.state.update((state) => (state.page ? { ...state, page: change(state.page) } : state));
  }

  /** Flashes a row; a second change within the flash starts it over. */
  private highlight(id: string): void {
    clearTimeout(this.highlightTimers.get(id));
    this.highlightedIds.update((ids) => new Set(ids).add(id));
    this.highlightTimers.set(id, setTimeout(() => this.unhighlight(id), HIGHLIGHT_MS));
  }

  private unhighlight(id: string): void {
    this.highlightTimers.delete(id);
    this.highlightedIds.update((ids) => new Set([...ids].filter((other) => other !== id)));
  }

  private navigate(changes: Partial<BookListQuery>, extras: { replaceUrl?: boolean } = {}): void {
    const query = { ...this.query(), ...changes };
    const queryParams = toQueryParams(query, this.pageSize.size);
    void this.router.navigate([], { relativeTo: this.route, queryParams, ...extras });
  }
}
