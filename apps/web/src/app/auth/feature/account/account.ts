import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { Auth } from '../../data-access/auth.service';
import { roleLabel } from '../../data-access/roles';

/**
 * The header's sign-in corner: "Sign in" when signed out; the user's name, their role and
 * "Sign out" when signed in. Nothing at all when sign-in is off.
 */
@Component({
  selector: 'app-account',
  templateUrl: './account.html',
  styleUrl: './account.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Account {
  protected readonly auth = inject(Auth);
  protected readonly role = computed(() => {
    const user = this.auth.user();
    return user && roleLabel(user);
  });

  protected async signIn(): Promise<void> {
    await this.auth.signIn();
  }

  protected async signOut(): Promise<void> {
    await this.auth.signOut();
  }
}
