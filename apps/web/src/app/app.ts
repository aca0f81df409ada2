import { ChangeDetectionStrategy, Component, type ElementRef, inject, viewChild } from '@angular/core';
import { RouterOutlet } from '@angular/router';
import { Auth } from './auth/data-access/auth.service';
import { Account } from './auth/feature/account/account';
import { SignInToRead } from './auth/feature/sign-in-to-read/sign-in-to-read';
import { Toaster } from './books/data-access/toaster.service';
import { LiveStatus } from './books/feature/live-status/live-status';
import { ToastRegion } from './books/ui/toast-region/toast-region';

/**
 * The shell: skip link, header with the live indicator and sign-in, the routed page, and the
 * toasts. When the gateway shows the catalogue to signed-in users only and nobody is signed in,
 * "Sign in to see the catalogue" takes the page's place, and neither the page nor the live
 * indicator is created: no request that could only fail, no event stream.
 */
@Component({
  selector: 'app-root',
  imports: [RouterOutlet, LiveStatus, Account, SignInToRead, ToastRegion],
  templateUrl: './app.html',
  styleUrl: './app.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class App {
  protected readonly toaster = inject(Toaster);
  protected readonly auth = inject(Auth);
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
