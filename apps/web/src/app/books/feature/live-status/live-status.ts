import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { BookEvents } from '../../data-access/book-events.service';
import { LiveIndicator } from '../../ui/live-indicator/live-indicator';

/** The header's view of the live stream; rendering it opens the stream. */
@Component({
  selector: 'app-live-status',
  imports: [LiveIndicator],
  template: `<app-live-indicator [status]="events.status()" />`,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LiveStatus {
  protected readonly events = inject(BookEvents);
}
