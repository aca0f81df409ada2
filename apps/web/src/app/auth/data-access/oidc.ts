import { type EnvironmentProviders, type Injector, computed, makeEnvironmentProviders } from '@angular/core';
import { OidcSecurityService, StsConfigHttpLoader, StsConfigLoader, provideAuth } from 'angular-auth-oidc-client';
import { firstValueFrom, of } from 'rxjs';
import { provideSignedInEventSource } from '../../books/data-access/signed-in-event-source';
import { AUTH_CLIENT_LOADER, type AuthClient, READS_REQUIRE_SIGN_IN } from './auth-client';
import { type EnabledAuthSettings, toOpenIdConfiguration } from './auth-settings';
import { userFromClaims } from './roles';

/**
 * Sign-in over angular-auth-oidc-client. `main.ts` imports this file only when the gateway says
 * sign-in is on, so the library stays out of the initial bundle; its services are root services,
 * hence providers given at bootstrap rather than a child injector.
 */
export function provideOidc(settings: EnabledAuthSettings, origin: string): EnvironmentProviders {
  return makeEnvironmentProviders([
    provideAuth({
      // The settings were read before bootstrap (main.ts): the loader hands them over as they are.
      loader: { provide: StsConfigLoader, useFactory: () => new StsConfigHttpLoader(of(toOpenIdConfiguration(settings, origin))) },
    }),
    { provide: AUTH_CLIENT_LOADER, useValue: (injector: Injector, url: string) => startOidcClient(injector, url, settings.issuer) },
    // Reading needs a token too: visitors are asked to sign in first, and the event stream
    // carries the token (over fetch).
    settings.readsRequireSignIn ? [{ provide: READS_REQUIRE_SIGN_IN, useValue: true }, provideSignedInEventSource()] : [],
  ]);
}

/** The AuthClient over the library's OidcSecurityService. */
export async function startOidcClient(injector: Injector, url: string, issuer: string): Promise<AuthClient> {
  const oidc = injector.get(OidcSecurityService);
  try {
    const checked = await firstValueFrom(oidc.checkAuth(url));
    if (checked.errorMessage) console.warn(`Sign-in: ${checked.errorMessage}`);
  } catch (error) {
    // The identity provider is unreachable (its discovery document, say): the app still starts,
    // signed out; "Sign in" tries again.
    console.warn('Sign-in: the session could not be checked.', error);
  }

  const user = computed(() => {
    if (!oidc.authenticated().isAuthenticated) return undefined;
    // The ID token's claims (autoUserInfo is off, see auth-settings.ts), read again if the store has none.
    return userFromClaims(oidc.userData().userData ?? undefined) ?? userFromClaims(idTokenClaims(oidc));
  });

  return {
    user,
    accessToken: async () => (oidc.authenticated().isAuthenticated ? (await firstValueFrom(oidc.getAccessToken())) || undefined : undefined),
    signIn: () => oidc.authorize(),
    reachable: () => identityProviderAnswers(issuer),
    signOut: async () => {
      await firstValueFrom(oidc.logoff(), { defaultValue: undefined });
    },
    renew: async () => {
      try {
        const renewed = await firstValueFrom(oidc.forceRefreshSession());
        return !!renewed?.isAuthenticated;
      } catch {
        return false;
      }
    },
    forget: () => oidc.logoffLocal(),
  };
}

/** The identity provider's discovery document answers within a few seconds. */
export async function identityProviderAnswers(issuer: string, fetchFn: typeof fetch = fetch): Promise<boolean> {
  try {
    const response = await fetchFn(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(4_000) });
    return response.ok;
  } catch {
    return false;
  }
}

function idTokenClaims(oidc: OidcSecurityService): unknown {
  let claims: unknown;
  oidc.getPayloadFromIdToken().subscribe((payload: unknown) => (claims = payload));
  return claims;
}
