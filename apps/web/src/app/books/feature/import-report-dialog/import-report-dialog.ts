import { DIALOG_DATA, Dialog, DialogRef } from '@angular/cdk/dialog';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  type ElementRef,
  Injector,
  afterNextRender,
  computed,
  inject,
  signal,
  viewChild,
} from '@angular/core';
import { rejectionsCsv, rejectionsFileName } from '../../data-access/book-import';
import type { CompletedImport } from '../../data-access/book-import.store';
import { dialogOptions } from '../dialog-options';

const TITLE_ID = 'import-report-title';
const COUNT_FORMAT = new Intl.NumberFormat('en-US');

/** "1,204": the app speaks English, so its numbers do too (Intl, not Angular's locale data). */
function formatCount(value: number): string {
  return COUNT_FORMAT.format(value);
}

/** Rows of the rejections table rendered at a time: thousands at once would stall the page. */
export const REJECTIONS_PAGE = 100;

/**
 * What an import came to: how many books were added, updated, unchanged and rejected, and
 * for rejections, which record, where and why, with the list to download as CSV.
 */
@Component({
  selector: 'app-import-report-dialog',
  templateUrl: './import-report-dialog.html',
  styleUrl: './import-report-dialog.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: { class: 'dialog' },
})
export class ImportReportDialog {
  protected readonly titleId = TITLE_ID;
  protected readonly dialogRef = inject<DialogRef<void>>(DialogRef);
  private readonly injector = inject(Injector);
  private readonly rejectionsRegion = viewChild<ElementRef<HTMLElement>>('rejectionsRegion');

  private readonly data = inject<CompletedImport>(DIALOG_DATA);
  protected readonly fileName = this.data.fileName;
  protected readonly report = this.data.report;
  protected readonly summary = summarize(this.data);
  protected readonly count = formatCount;
  protected readonly counts = [
    { label: 'Added', value: this.report.created, alert: false },
    { label: 'Updated', value: this.report.updated, alert: false },
    { label: 'Unchanged', value: this.report.unchanged, alert: false },
    { label: 'Rejected', value: this.report.rejected, alert: this.report.rejected > 0 },
  ];
  /** JSON files have no lines to point at: the column would be empty. */
  protected readonly hasLines = this.report.rejections.some((rejection) => rejection.line !== undefined);

  private readonly shownCount = signal(REJECTIONS_PAGE);
  protected readonly shown = computed(() => this.report.rejections.slice(0, this.shownCount()));
  protected readonly notShown = computed(() => this.report.rejections.length - this.shown().length);
  protected readonly nextBatch = computed(() => Math.min(this.notShown(), REJECTIONS_PAGE));

  protected readonly download = this.rejectionsDownload();

  /** Shows the next rows; when none are left, the button goes, and the keyboard moves to the table. */
  protected showMore(): void {
    this.shownCount.update((count) => count + REJECTIONS_PAGE);
    if (this.notShown() === 0) {
      afterNextRender(() => this.rejectionsRegion()?.nativeElement.focus(), { injector: this.injector });
    }
  }

  /** The CSV as a blob URL for a plain download link, freed with the dialog. */
  private rejectionsDownload(): { readonly url: string; readonly fileName: string } | undefined {
    if (this.report.rejections.length === 0) return undefined;
    const url = URL.createObjectURL(new Blob([rejectionsCsv(this.report.rejections)], { type: 'text/csv;charset=utf-8' }));
    inject(DestroyRef).onDestroy(() => URL.revokeObjectURL(url));
    return { url, fileName: rejectionsFileName(this.fileName) };
  }
}

/** "“books.csv”: 1,204 records read, 12 rejected." */
function summarize({ fileName, report }: CompletedImport): string {
  if (report.received === 0) return `“${fileName}” had no records to import.`;
  const records = `${formatCount(report.received)} ${report.received === 1 ? 'record' : 'records'} read`;
  return `“${fileName}”: ${records}, ${report.rejected === 0 ? 'all imported' : `${formatCount(report.rejected)} rejected`}.`;
}

export function openImportReportDialog(
  dialog: Dialog,
  data: CompletedImport,
  /** False when the element that had the focus is gone; the opener then places it. */
  restoreFocus = true,
): DialogRef<void, ImportReportDialog> {
  return dialog.open<void, CompletedImport, ImportReportDialog>(ImportReportDialog, {
    ...dialogOptions<CompletedImport, DialogRef<void, ImportReportDialog>>(TITLE_ID, data),
    // Wide enough for a reason beside its record, line and field.
    width: '46rem',
    // The heading and the summary are read first, not the first control.
    autoFocus: 'dialog',
    ariaDescribedBy: 'import-report-summary',
    restoreFocus,
  });
}
