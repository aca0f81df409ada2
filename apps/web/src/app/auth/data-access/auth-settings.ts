import type { OpenIdConfiguration } from 'angular-auth-oidc-client';
import * as z from 'zod';

/** The gateway tells the app whether sign-in is on, and where the identity provider is. */
export const AUTH_CONFIG_URL = '/api/auth/config';

const AuthSettingsSchema = z.discriminatedUnion('enabled', [
  z.object({ enabled: z.literal(false) }),
  z.object({
    enabled: z.literal(true),
    issuer: z.url(),
    clientId: z.string().min(1),
    scope: z.string().min(1),
    audience: z.string().min(1),
    // Reading needs a token too (the gateway's READS_REQUIRE_SIGN_IN): visitors are asked to sign
    // in before the list, and the event stream goes over fetch to carry the token. A gateway
    // from before this setting does not send it: reads are public there.
    readsRequireSignIn: z.boolean().default(false),
  }),
]);

export type AuthSettings = z.infer<typeof AuthSettingsSchema>;
export type EnabledAuthSettings = Extract<AuthSettings, { enabled: true }>;

export const AUTH_DISABLED: AuthSettings = { enabled: false };

/**
 * Asks the gateway, before the app starts, whether sign-in is on. A gateway from before sign-in
 * answers 404: off. Any other failure too, loudly: the app still lists and reads, and the gateway
 * refuses whatever the user may not do.
 */
export async function fetchAuthSettings(fetchFn: typeof fetch = fetch): Promise<AuthSettings> {
  try {
    const response = await fetchFn(AUTH_CONFIG_URL, { headers: { Accept: 'application/json' } });
    if (response.status === 404) return AUTH_DISABLED;
    if (!response.ok) throw new Error(`${AUTH_CONFIG_URL} answered HTTP ${response.status}`);
    return parseAuthSettings(await response.json());
  } catch (error) {
    console.warn('Sign-in settings could not be read; carrying on without sign-in.', error);
    return AUTH_DISABLED;
  }
}

/** The gateway's answer, checked at the boundary; anything else is an error with the reason. */
export function parseAuthSettings(body: unknown): AuthSettings {
  const parsed = AuthSettingsSchema.safeParse(body);
  if (!parsed.success) throw new Error(`${AUTH_CONFIG_URL} answered something unexpected: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/**
 * The OIDC client's settings: authorization code + PKCE, tokens renewed with the refresh token
 * (no hidden iframe), back to the app's root after sign-in and sign-out (the page the user was on
 * is restored by the app, see `auth.service.ts`, so the IdP needs one redirect URI only).
 */
export function toOpenIdConfiguration(settings: EnabledAuthSettings, origin: string): OpenIdConfiguration {
  const scope = settings.scope.split(/\s+/).includes('offline_access') ? settings.scope : `${settings.scope} offline_access`;
  const resource = resourceParams(settings.audience);
  return {
    authority: settings.issuer,
    clientId: settings.clientId,
    scope,
    responseType: 'code',
    redirectUrl: `${origin}/`,
    postLogoutRedirectUri: `${origin}/`,
    silentRenew: true,
    useRefreshToken: true,
    // Renew a little before expiry, so a write rarely meets an expired token.
    renewTimeBeforeTokenExpiresInSeconds: 30,
    // Refresh responses may carry a new ID token without a nonce (OIDC Core 12.2).
    ignoreNonceAfterRefresh: true,
    // Name and roles come from the ID token. The access token is for the API (its audience), and
    // an IdP may refuse it at userinfo (oidc-provider does), which would fail every sign-in.
    autoUserInfo: false,
    // The app puts the user back on their page itself, before the router's first navigation.
    triggerAuthorizationResultEvent: true,
    customParamsAuthRequest: resource,
    customParamsCodeRequest: resource,
    customParamsRefreshTokenRequest: resource,
    // LogLevel.Warn, without importing the library's enum into the initial bundle.
    logLevel: 2,
  };
}

/**
 * The access token is for the API: RFC 8707 `resource` names it. The spec (and oidc-provider)
 * only accept an absolute URI there; a bare audience such as `books-api` is left to the IdP's
 * default resource rather than failing every sign-in with `invalid_target`.
 */
function resourceParams(audience: string): Record<string, string> {
  return URL.canParse(audience) ? { resource: audience } : {};
}
