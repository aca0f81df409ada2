import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  ElementRef,
  afterNextRender,
  inject,
  input,
  linkedSignal,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { LIST_LIMITS } from '@books/contracts';
import { Subject, debounceTime, filter, map } from 'rxjs';
import { IMPORT_ACCEPT } from '../../data-access/book-import';
import type { ReadFilter } from '../../data-access/book-list-query';
import { ExportMenu } from '../export-menu/export-menu';

export const SEARCH_DEBOUNCE_MS = 250;

const READ_FILTERS: readonly { readonly value: ReadFilter; readonly label: string }[] = [
  { value: 'all', label: 'All books' },
  { value: 'read', label: 'Read' },
  { value: 'unread', label: 'Unread' },
];

/** Search and the read filter, then Import, Export and "Add book", above the table. */
@Component({
  selector: 'app-book-toolbar',
  imports: [ExportMenu],
  templateUrl: './book-toolbar.html',
  styleUrl: './book-toolbar.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class BookToolbar {
  /** The search in effect (from the URL). */
  readonly q = input.required<string>();
  readonly read = input.required<ReadFilter>();
  /** An import is under way: Import waits for it. */
  readonly importing = input(false);
  /** The user may add books / import files: otherwise the button is not there at all (no dead buttons). */
  readonly canAdd = input(true);
  readonly canImport = input(true);

  /** The search text, once the user pauses typing. */
  readonly searchChange = output<string>();
  readonly readChange = output<ReadFilter>();
  readonly addBook = output<void>();
  /** The file the user chose to import. */
  readonly importFile = output<File>();

  protected readonly readFilters = READ_FILTERS;
  protected readonly maxSearchLength = LIST_LIMITS.maxQueryLength;
  protected readonly importAccept = IMPORT_ACCEPT;

  private readonly searchInput = viewChild.required<ElementRef<HTMLInputElement>>('searchInput');
  private readonly importButton = viewChild<ElementRef<HTMLButtonElement>>('importButton');
  private readonly fileInput = viewChild<ElementRef<HTMLInputElement>>('fileInput');
  private readonly addSlot = viewChild<ElementRef<HTMLElement>>('addSlot');
  private readonly typed = new Subject<string>();

  /** Add's own place is out of sight: on a phone Add floats, and Search with it (see the stylesheet). */
  protected readonly floating = signal(false);
  private lastSearch?: string;

  /**
   * What the box shows. A new `q` replaces it when it comes from elsewhere (back button, "Clear
   * search"), but not when it is the echo of our own search: by then the user may have typed on.
   */
  protected readonly text = linkedSignal<string, string>({
    source: this.q,
    computation: (q, previous) => (previous && q === this.lastSearch ? previous.value : q),
  });

  constructor() {
    const destroyRef = inject(DestroyRef);
    afterNextRender(() => {
      const addSlot = this.addSlot()?.nativeElement;
      if (typeof IntersectionObserver === 'undefined' || !addSlot) return;
      const observer = new IntersectionObserver(([entry]) => this.floating.set(!entry.isIntersecting));
      observer.observe(addSlot);
      destroyRef.onDestroy(() => observer.disconnect());
    });
    this.typed
      .pipe(
        debounceTime(SEARCH_DEBOUNCE_MS),
        map((text) => text.trim()),
        filter((search) => search !== this.q()),
        takeUntilDestroyed(),
      )
      .subscribe((search) => {
        this.lastSearch = search;
        this.searchChange.emit(search);
      });
  }

  /** The "/" shortcut and the floating Search: focusing scrolls the field into view if it is not. */
  focusSearch(): void {
    this.searchInput().nativeElement.focus();
  }

  focusImport(): void {
    this.importButton()?.nativeElement.focus();
  }

  /**
   * Import stays focusable while an import runs (aria-disabled, not disabled): a disabled
   * button would drop the focus of the keyboard user who just pressed it.
   */
  protected chooseFile(): void {
    if (!this.importing()) this.fileInput()?.nativeElement.click();
  }

  protected onFileChosen(event: Event): void {
    const input = event.target as HTMLInputElement;
    const file = input.files?.[0];
    // Cleared, so choosing the same file again (after fixing it) is a change too.
    input.value = '';
    if (file) this.importFile.emit(file);
  }

  protected onSearchInput(event: Event): void {
    const text = (event.target as HTMLInputElement).value;
    this.text.set(text);
    this.typed.next(text);
  }

  protected onReadChange(event: Event): void {
    this.readChange.emit((event.target as HTMLSelectElement).value as ReadFilter);
  }
}
