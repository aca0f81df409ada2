import { ChangeDetectionStrategy, Component, type ElementRef, computed, input, viewChild } from '@angular/core';
import type { BookHistoryEntry } from '@books/contracts';
import { showEntry } from './history-entry';

/**
 * A book's versions, newest first, each with when it happened and what it changed field by
 * field. The newest is marked current unless it is a delete.
 */
@Component({
  selector: 'app-history-list',
  templateUrl: './history-list.html',
  styleUrl: './history-list.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class HistoryList {
  readonly entries = input.required<readonly BookHistoryEntry[]>();
  /** The time "5 minutes ago" counts from (epoch ms); the panel moves it on. */
  readonly now = input.required<number>();

  private readonly list = viewChild.required<ElementRef<HTMLElement>>('list');

  protected readonly shown = computed(() => this.entries().map((entry) => showEntry(entry, this.now())));

  /** Puts the keyboard on a version, e.g. the first of a page just loaded. */
  focusVersion(version: number): void {
    this.list().nativeElement.querySelector<HTMLElement>(`[data-version="${version}"]`)?.focus();
  }
}
