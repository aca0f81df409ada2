import { ChangeDetectionStrategy, Component, ElementRef, computed, inject, input, output, viewChild } from '@angular/core';
import type { ImportState } from '../../data-access/book-import.store';

/** "850 kB", "4.6 MB": sizes as people read them (decimal units, as file managers show). */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${Math.round(bytes / 1000)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/**
 * An import under way (bytes uploaded, then the wait while the API reads the file) with its
 * Cancel button, or why it failed. Screen readers hear each phase once, not every percent.
 */
@Component({
  selector: 'app-import-panel',
  templateUrl: './import-panel.html',
  styleUrl: './import-panel.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ImportPanel {
  readonly state = input.required<ImportState>();

  readonly cancelImport = output<void>();
  readonly retry = output<void>();
  readonly dismiss = output<void>();

  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly panel = viewChild<ElementRef<HTMLElement>>('panel');

  protected readonly percent = computed(() => {
    const state = this.state();
    return state.status === 'uploading' ? Math.min(100, Math.floor((state.loaded / Math.max(state.total, 1)) * 100)) : undefined;
  });

  protected readonly uploaded = computed(() => {
    const state = this.state();
    return state.status === 'uploading' ? `${formatBytes(state.loaded)} of ${formatBytes(state.total)}` : '';
  });

  /** Changes once per phase; a live region that read out every percent would drown everything else. */
  protected readonly announcement = computed(() => {
    const state = this.state();
    switch (state.status) {
      case 'uploading':
        return `Uploading “${state.fileName}”.`;
      case 'processing':
        return `Upload complete. Importing the books of “${state.fileName}”…`;
      default:
        return '';
    }
  });

  contains(node: Node): boolean {
    return this.host.nativeElement.contains(node);
  }

  /** Puts the keyboard on the panel's first button, e.g. Cancel once "Try again" has started the import over. */
  focus(): void {
    this.panel()?.nativeElement.querySelector('button')?.focus();
  }
}
