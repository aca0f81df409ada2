import { ChangeDetectionStrategy, Component, type ElementRef, inject, viewChild } from '@angular/core';
import { RouterOutlet } from '@angular/router';
import { Account } from './auth/feature/account/account';
import { Toaster } from './books/data-access/toaster.service';
import { LiveStatus } from './books/feature/live-status/live-status';
import { ToastRegion } from './books/ui/toast-region/toast-region';

/** The shell: skip link, header with the live indicator and sign-in, the routed page, and the toasts. */
@Component({
  selector: 'app-root',
  imports: [RouterOutlet, LiveStatus, Account, ToastRegion],
  templateUrl: './app.html',
  styleUrl: './app.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class App {
  protected readonly toaster = inject(Toaster);
  private readonly main = viewChild.required<ElementRef<HTMLElement>>('main');

  /**
   * Moves focus in code: a plain "#main" link would resolve against <base href> and make
   * the router drop the page's query string.
   */
  protected skipToMain(event: Event): void {
    event.preventDefault();
    this.main().nativeElement.focus();
  }
}
