import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import type { Toast } from '../../data-access/toaster.service';

/**
 * Where toasts appear. The live region is always in the page, so screen readers announce
 * what is added to it; a toast holds still while the pointer or the focus is on it.
 */
@Component({
  selector: 'app-toast-region',
  templateUrl: './toast-region.html',
  styleUrl: './toast-region.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ToastRegion {
  readonly toasts = input.required<readonly Toast[]>();

  readonly act = output<number>();
  readonly dismiss = output<number>();
  readonly hold = output<number>();
  readonly release = output<number>();
}
