import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { Auth } from '../../data-access/auth.service';

/**
 * In place of the page when the gateway shows the catalogue to signed-in users only
 * (READS_REQUIRE_SIGN_IN) and nobody is: a request, not an error. Signing in comes back to
 * the page the link named (`Auth.signIn` keeps it), so `/books/:id` survives.
 */
@Component({
  selector: 'app-sign-in-to-read',
  template: `
    <h2 id="sign-in-to-read">Sign in to see the catalogue</h2>
    <p>This catalogue is shared with signed-in readers only.</p>
    <button type="button" class="button button--primary" (click)="signIn()">Sign in</button>
  `,
  host: { role: 'region', 'aria-labelledby': 'sign-in-to-read' },
  styles: `
    :host {
      display: block;
      max-width: 32rem;
      margin: 4rem auto;
      padding: 0 1rem;
      text-align: center;
    }
    p {
      margin: 0.5rem 0 1.5rem;
      color: var(--color-text-muted);
    }
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SignInToRead {
  private readonly auth = inject(Auth);

  protected async signIn(): Promise<void> {
    await this.auth.signIn();
  }
}
