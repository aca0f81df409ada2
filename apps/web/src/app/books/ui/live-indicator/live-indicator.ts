import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { LiveStatus } from '../../data-access/book-events.service';

const LABELS: Record<LiveStatus, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
};

/** Whether changes by others show up by themselves right now. */
@Component({
  selector: 'app-live-indicator',
  template: `<span class="dot" aria-hidden="true"></span>{{ label() }}`,
  styleUrl: './live-indicator.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
  host: {
    role: 'status',
    '[class]': "'is-' + status()",
  },
})
export class LiveIndicator {
  readonly status = input.required<LiveStatus>();
  protected readonly label = computed(() => LABELS[this.status()]);
}
