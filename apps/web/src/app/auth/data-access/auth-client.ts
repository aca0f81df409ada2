import { InjectionToken, type Injector, type Signal } from '@angular/core';
import type { AuthUser } from './roles';

/**
 * The seam between the app and the OIDC library: the library (about 120 kB) is loaded only when
 * the gateway says sign-in is on (see `main.ts`), and specs put a fake in its place.
 */
export interface AuthClient {
  /** The signed-in user, or undefined; follows sign-in, renewal and sign-out. */
  readonly user: Signal<AuthUser | undefined>;
  /** The current access token, if signed in. */
  accessToken(): Promise<string | undefined>;
  /** Redirects to the identity provider's sign-in page; it comes back to the app's root. */
  signIn(): void;
  /** Whether the identity provider answers now (its discovery document), so that signing in can work. */
  reachable(): Promise<boolean>;
  /** Ends the session at the identity provider too (it redirects back). */
  signOut(): Promise<void>;
  /** A new access token from the refresh token; false when the session cannot be renewed. */
  renew(): Promise<boolean>;
  /** Forgets the tokens here only: the session is over as far as this tab knows. */
  forget(): void;
}

/** Starts the client: finishes a sign-in coming back in `url` if there is one, or picks up the tab's session. */
export type AuthClientLoader = (injector: Injector, url: string) => Promise<AuthClient>;

/** Provided, with the OIDC library, only when sign-in is on (see `oidc.ts`). */
export const AUTH_CLIENT_LOADER = new InjectionToken<AuthClientLoader>('AUTH_CLIENT_LOADER');

/**
 * The gateway's READS_REQUIRE_SIGN_IN, as `GET /api/auth/config` said (see `loadAuthProviders`):
 * reading the catalogue needs a token too. False when sign-in is off.
 */
export const READS_REQUIRE_SIGN_IN = new InjectionToken<boolean>('READS_REQUIRE_SIGN_IN', { providedIn: 'root', factory: () => false });
