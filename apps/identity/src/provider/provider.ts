import Provider, { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { clientOrigins, type ClientMetadata } from '../clients/clients';
import type { UserDirectory } from '../accounts/users';
import type { SigningKeys } from '../keys/keys';
import { errorPage, logoutPage, logoutSuccessPage, PAGE_CSP } from '../interactions/pages';

export interface ProviderSettings {
  issuer: string;
  audience: string;
  accessTokenTtlS: number;
  cookieKeys: string[];
  users: UserDirectory;
  clients: ClientMetadata[];
  keys: SigningKeys;
  /** Where sessions, grants and tokens live; one store shared by the providers that SIGHUP swaps in. */
  adapter: NonNullable<Configuration['adapter']>;
  /** Believe X-Forwarded-* from the proxy in front (Nginx, a load balancer). */
  proxy: boolean;
}

/** Where oidc-provider sends the browser to sign in; served by ../interactions. */
export const INTERACTION_PATH = '/interaction';

/** The claims every app of ours reads: the display name and the roles (scope `roles`). */
const CLAIMS = { openid: ['sub'], profile: ['name'], roles: ['roles'] };

/**
 * The OpenID Provider: authorization code with PKCE (S256, required of public clients) and
 * refresh tokens for the web app, client_credentials for programs, JWT access tokens for
 * the books API carrying `name` and `roles`, RP-initiated logout. Everything it keeps
 * (sessions, grants, refresh tokens) is in oidc-provider's in-memory adapter: one instance,
 * and a restart signs everyone out (see apps/identity/README.md).
 */
export function createProvider(settings: ProviderSettings): Provider {
  const { users, audience, keys } = settings;
  const resource = resourceIndicatorFor(audience);
  const clientsById = new Map(settings.clients.map((client) => [client.client_id, client]));
  const webOrigins = new Map(settings.clients.map((client) => [client.client_id, clientOrigins(client)]));

  const configuration: Configuration = {
    adapter: settings.adapter,
    clients: settings.clients.map(({ roles: _roles, ...metadata }) =>
      // A client that only signs in as itself has no browser flow: say so, so that
      // oidc-provider does not ask for redirect URIs.
      metadata.grant_types?.includes('authorization_code') === false && !metadata.redirect_uris
        ? { response_types: [], redirect_uris: [], ...metadata }
        : metadata,
    ) as Configuration['clients'],
    clientDefaults: {
      grant_types: ['authorization_code'],
      response_types: ['code'],
      // ID tokens are signed like access tokens, by the first key.
      id_token_signed_response_alg: keys.signingAlg,
    },
    jwks: { keys: keys.keys as unknown as NonNullable<Configuration['jwks']>['keys'] },
    cookies: { keys: settings.cookieKeys },
    claims: CLAIMS,
    scopes: ['openid', 'offline_access', 'profile', 'roles'],
    // The ID token carries name and roles too: the web app shows them without calling userinfo.
    conformIdTokenClaims: false,
    findAccount: (_ctx, subject) => {
      const user = users.bySubjectId(subject);
      if (!user) return undefined;
      return { accountId: user.subject, claims: () => ({ sub: user.subject, name: user.name, roles: user.roles }) };
    },
    interactions: { url: (_ctx, interaction) => `${INTERACTION_PATH}/${interaction.uid}` },
    // Every code flow proves it started the flow (PKCE, which oidc-provider 9 only does as S256):
    // a must for the public web client, and OAuth 2.1's advice for the others.
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.set('Content-Security-Policy', PAGE_CSP);
          ctx.body = logoutPage(form);
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.set('Content-Security-Policy', PAGE_CSP);
          ctx.body = logoutSuccessPage();
        },
      },
      resourceIndicators: {
        enabled: true,
        // Every token is for the books API unless a client names another resource (none exists).
        defaultResource: () => resource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resourceIndicator) => {
          if (resourceIndicator !== resource) throw new errors.InvalidTarget(`unknown resource ${resourceIndicator}`);
          return {
            scope: 'books',
            audience,
            accessTokenTTL: settings.accessTokenTtlS,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: keys.signingAlg } },
          };
        },
      },
    },
    // What the books API needs to know about the caller, in the token itself.
    extraTokenClaims: (_ctx, token) => {
      if (token.kind === 'ClientCredentials') {
        const client = token.clientId ? clientsById.get(token.clientId) : undefined;
        return { name: client?.client_name ?? token.clientId, roles: client?.roles ?? [] };
      }
      const user = 'accountId' in token && typeof token.accountId === 'string' ? users.bySubjectId(token.accountId) : undefined;
      return user ? { name: user.name, roles: user.roles } : undefined;
    },
    // oidc-provider drops `offline_access` from a request without prompt=consent, and a
    // first-party app never shows a consent screen: so every client that the clients file
    // allows the refresh_token grant gets refresh tokens (rotated on each use, the default
    // for public clients). Without offline_access they end with the sign-in session.
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    // The token endpoint answers a browser only from the origins of the client's own redirect URIs.
    clientBasedCORS: (_ctx, origin, client) => webOrigins.get(client.clientId)?.includes(origin) ?? false,
    ttl: {
      AccessToken: settings.accessTokenTtlS,
      ClientCredentials: settings.accessTokenTtlS,
      IdToken: 3600,
      AuthorizationCode: 60,
      Interaction: 3600,
      Session: 14 * 24 * 3600,
      Grant: 14 * 24 * 3600,
      RefreshToken: 14 * 24 * 3600,
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.set('Content-Security-Policy', PAGE_CSP);
      ctx.body = errorPage(out);
    },
  };

  const provider = new Provider(settings.issuer, configuration);
  provider.proxy = settings.proxy;
  return provider;
}

/**
 * The resource indicator (RFC 8707) of the books API. It must be an absolute URI while the
 * audience the gateway checks is plain `books-api`: a URN stands for it, and the tokens still
 * say `aud: books-api`.
 */
export function resourceIndicatorFor(audience: string): string {
  return URL.canParse(audience) ? audience : `urn:${audience}`;
}

export type { KoaContextWithOIDC };
