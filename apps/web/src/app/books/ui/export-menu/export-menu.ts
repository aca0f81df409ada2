import { ChangeDetectionStrategy, Component, ElementRef, inject, signal, viewChild } from '@angular/core';
import type { ExportFormat } from '@books/contracts';
import { exportUrl } from '../../data-access/books-api.service';

const FORMATS: readonly { readonly format: ExportFormat; readonly label: string; readonly hint: string }[] = [
  { format: 'csv', label: 'CSV', hint: 'for spreadsheets' },
  { format: 'ndjson', label: 'NDJSON', hint: 'one book per line' },
  { format: 'json', label: 'JSON', hint: 'one array' },
];

/**
 * "Export" opens a short list of plain download links, one per format (the disclosure
 * pattern: links reached with Tab, no ARIA menu to learn). Escape, a click elsewhere or focus
 * leaving the list closes it.
 */
@Component({
  selector: 'app-export-menu',
  templateUrl: './export-menu.html',
  styleUrl: './export-menu.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    '(keydown.escape)': 'closeAndFocusButton()',
    '(focusout)': 'onFocusOut($event)',
    '(document:click)': 'onDocumentClick($event)',
  },
})
export class ExportMenu {
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly button = viewChild.required<ElementRef<HTMLButtonElement>>('button');

  protected readonly open = signal(false);
  protected readonly formats = FORMATS.map((format) => ({
    ...format,
    url: exportUrl(format.format),
    fileName: `books.${format.format}`,
  }));

  protected toggle(): void {
    this.open.update((open) => !open);
  }

  protected close(): void {
    this.open.set(false);
  }

  /** The list goes, and its focused link with it: the keyboard goes back to Export. */
  protected closeAndFocusButton(): void {
    if (!this.open()) return;
    this.close();
    this.button().nativeElement.focus();
  }

  protected onFocusOut(event: FocusEvent): void {
    const next = event.relatedTarget;
    if (next instanceof Node && !this.host.nativeElement.contains(next)) this.close();
  }

  protected onDocumentClick(event: MouseEvent): void {
    if (this.open() && !this.host.nativeElement.contains(event.target as Node)) this.close();
  }
}
