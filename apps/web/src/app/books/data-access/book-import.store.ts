import { DestroyRef, Injectable, computed, inject, signal } from '@angular/core';
import type { ImportReport } from '@books/contracts';
import { describeImportError, isRetryable, prepareImport } from './book-import';
import { BooksApi, type ImportProgress } from './books-api.service';
import { BooksStore } from './books.store';
import { toApiError } from './problem';
import { Toaster } from './toaster.service';

/** What the page shows of an import: nothing, its progress, or why it failed. */
export type ImportState =
  | { readonly status: 'idle' }
  | { readonly status: 'uploading'; readonly fileName: string; readonly loaded: number; readonly total: number }
  /** Uploaded; the API is reading and saving the records, and answers when it is done. */
  | { readonly status: 'processing'; readonly fileName: string }
  | { readonly status: 'failed'; readonly fileName: string; readonly message: string; readonly retryable: boolean };

/** An import the API answered, for the report dialog. */
export interface CompletedImport {
  readonly fileName: string;
  readonly report: ImportReport;
}

interface Running {
  readonly fileName: string;
  /** Aborts the upload and settles the import as not completed. */
  readonly stop: () => void;
}

/**
 * Imports files for the books page, one at a time: sends the file, follows its progress, and
 * lets it be cancelled. However an import ends (a report, a failure, a cancel), the page is
 * refetched: the API saves records in batches as it reads, so even a broken-off import may
 * have added books. Live events show them as they come; the refetch makes sure of the page.
 */
@Injectable()
export class BookImportStore {
  private readonly api = inject(BooksApi);
  private readonly books = inject(BooksStore);
  private readonly toaster = inject(Toaster);
  private readonly current = signal<ImportState>({ status: 'idle' });
  private running?: Running;
  private lastFile?: File;

  readonly state = this.current.asReadonly();
  /** An import is under way; another must wait. */
  readonly busy = computed(() => ['uploading', 'processing'].includes(this.state().status));

  constructor() {
    inject(DestroyRef).onDestroy(() => this.running?.stop());
  }

  /** Resolves to the API's report, or to undefined when the import failed, was refused or was cancelled. */
  start(file: File): Promise<CompletedImport | undefined> {
    if (this.running) return Promise.resolve(undefined);
    this.lastFile = file;
    const prepared = prepareImport(file);
    if ('refusal' in prepared) {
      this.current.set({ status: 'failed', fileName: file.name, message: prepared.refusal, retryable: false });
      return Promise.resolve(undefined);
    }

    this.current.set({ status: 'uploading', fileName: file.name, loaded: 0, total: file.size });
    return new Promise((resolve) => {
      let settled = false;
      const settle = (completed?: CompletedImport) => {
        if (settled) return;
        settled = true;
        this.running = undefined;
        this.books.refresh();
        resolve(completed);
      };
      const subscription = this.api.importFile(file, prepared.contentType).subscribe({
        next: (progress) => {
          if (progress.phase === 'done') {
            this.current.set({ status: 'idle' });
            settle({ fileName: file.name, report: progress.report });
          } else {
            this.follow(file.name, progress);
          }
        },
        error: (error: unknown) => {
          const apiError = toApiError(error);
          const message = describeImportError(apiError, file.name);
          this.current.set({ status: 'failed', fileName: file.name, message, retryable: isRetryable(apiError) });
          settle();
        },
      });
      if (!settled) {
        this.running = {
          fileName: file.name,
          stop: () => {
            subscription.unsubscribe();
            settle();
          },
        };
      }
    });
  }

  /** Imports the last file again, after a failure that may have passed. */
  retry(): Promise<CompletedImport | undefined> {
    return this.lastFile ? this.start(this.lastFile) : Promise.resolve(undefined);
  }

  /** Aborts the upload. The API may have saved what it read so far; sending the file again is safe. */
  cancel(): void {
    const running = this.running;
    if (!running) return;
    this.current.set({ status: 'idle' });
    running.stop();
    this.toaster.show(
      `Import of “${running.fileName}” cancelled. Some books may already have been added; importing the file again will not add them twice.`,
      { tone: 'info' },
    );
  }

  /** Puts away the message of a failed import. */
  dismiss(): void {
    if (this.state().status === 'failed') this.current.set({ status: 'idle' });
  }

  private follow(fileName: string, progress: Exclude<ImportProgress, { phase: 'done' }>): void {
    if (progress.phase === 'uploading') {
      this.current.set({ status: 'uploading', fileName, loaded: progress.loaded, total: progress.total });
    } else if (this.state().status !== 'processing') {
      this.current.set({ status: 'processing', fileName });
    }
  }
}
