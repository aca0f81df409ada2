import { errors, createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import * as z from 'zod';
import type { GatewayConfig } from '../config/gateway.config';
import { IdentityProviderUnavailableError, InvalidTokenError } from './auth.errors';
import { type Caller, UnusableClaimsError, callerFrom } from './caller';

/** The settings the verifier reads; the gateway passes its whole configuration. */
export type TokenVerifierSettings = Pick<
  GatewayConfig,
  | 'OIDC_ISSUER'
  | 'OIDC_AUDIENCE'
  | 'OIDC_JWKS_URL'
  | 'OIDC_ROLES_CLAIM'
  | 'OIDC_NAME_CLAIM'
  | 'OIDC_CLOCK_TOLERANCE_S'
  | 'OIDC_ALGORITHMS'
  | 'OIDC_JWKS_CACHE_MAX_AGE_MS'
  | 'OIDC_JWKS_COOLDOWN_MS'
>;

/** How long one fetch of the discovery document or the keys may take before the identity provider counts as unreachable. */
const FETCH_TIMEOUT_MS = 3_000;
/** After a failed discovery, tokens are answered 503 at once for this long instead of each waiting for the timeout. */
const DISCOVERY_RETRY_MS = 2_000;

const DiscoverySchema = z.object({ issuer: z.string(), jwks_uri: z.url({ protocol: /^https?$/ }) });

/**
 * Checks bearer access tokens (JWTs, RFC 9068) against the identity provider's published keys:
 * signature with an allowed asymmetric algorithm, issuer, audience, expiry (required) and
 * not-before, with some clock tolerance.
 *
 * Nothing is fetched at start-up, so the gateway starts while the identity provider is down:
 * the discovery document is read on the first token, and a failure is retried on a later one.
 * Keys are cached for OIDC_JWKS_CACHE_MAX_AGE_MS; a token signed with a key not in the cache
 * (the provider rotated its keys) fetches them again, at most once per OIDC_JWKS_COOLDOWN_MS.
 * When the provider cannot be reached, the keys it last published keep verifying tokens (they
 * are still valid until it says otherwise), so signed-in writes survive an outage of the
 * provider; after a failed fetch the next one waits DISCOVERY_RETRY_MS.
 */
export class TokenVerifier {
  private keys?: Promise<JWTVerifyGetKey>;
  private discoveryFailedAt = 0;

  constructor(private readonly settings: TokenVerifierSettings) {
    if (!settings.OIDC_ISSUER) throw new Error('TokenVerifier needs OIDC_ISSUER');
  }

  /** The caller the token names; InvalidTokenError (401) or IdentityProviderUnavailableError (503) when it cannot be accepted. */
  async verify(token: string): Promise<Caller> {
    const keys = await this.keySet();
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: this.settings.OIDC_ISSUER,
        audience: this.settings.OIDC_AUDIENCE,
        algorithms: [...this.settings.OIDC_ALGORITHMS],
        clockTolerance: this.settings.OIDC_CLOCK_TOLERANCE_S,
        requiredClaims: ['exp', 'sub'],
      });
      return callerFrom(payload, { rolesClaim: this.settings.OIDC_ROLES_CLAIM, nameClaim: this.settings.OIDC_NAME_CLAIM });
    } catch (error) {
      throw translate(error);
    }
  }

  private keySet(): Promise<JWTVerifyGetKey> {
    if (!this.keys) {
      if (Date.now() - this.discoveryFailedAt < DISCOVERY_RETRY_MS) {
        return Promise.reject(new IdentityProviderUnavailableError('The identity provider is not reachable; try again shortly'));
      }
      this.keys = this.jwksUrl().then(
        (url) =>
          withLastKnownKeys(
            createRemoteJWKSet(url, {
              timeoutDuration: FETCH_TIMEOUT_MS,
              cooldownDuration: this.settings.OIDC_JWKS_COOLDOWN_MS,
              cacheMaxAge: this.settings.OIDC_JWKS_CACHE_MAX_AGE_MS,
            }),
          ),
        (error: unknown) => {
          // Forget the failure, so a later token tries again.
          this.keys = undefined;
          this.discoveryFailedAt = Date.now();
          throw error;
        },
      );
    }
    return this.keys;
  }

  private async jwksUrl(): Promise<URL> {
    if (this.settings.OIDC_JWKS_URL) return new URL(this.settings.OIDC_JWKS_URL);
    const issuer = this.settings.OIDC_ISSUER as string;
    const discovery = new URL(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
    let body: unknown;
    try {
      const response = await fetch(discovery, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      body = await response.json();
    } catch {
      throw new IdentityProviderUnavailableError('The identity provider is not reachable; try again shortly');
    }
    const parsed = DiscoverySchema.safeParse(body);
    // A document for another issuer is a configuration mistake, not a bad token; it is retried like an outage.
    if (!parsed.success || parsed.data.issuer !== issuer) {
      throw new IdentityProviderUnavailableError('The identity provider published no usable discovery document');
    }
    return new URL(parsed.data.jwks_uri);
  }
}

/** A fetch of the key set failed: the provider is unreachable or answered something else than keys. */
function isFetchFailure(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || !(error instanceof errors.JOSEError)) return true;
  return error.code === 'ERR_JOSE_GENERIC' && /JSON Web Key Set/.test(error.message);
}

/**
 * The remote key set, falling back to the keys it fetched last when a refresh fails. A key the
 * provider withdrew is gone from a successful refresh, so only an unreachable provider keeps
 * old keys in use; after a failure, refreshes pause for DISCOVERY_RETRY_MS so that each token
 * does not wait for a timeout.
 */
function withLastKnownKeys(remote: ReturnType<typeof createRemoteJWKSet>): JWTVerifyGetKey {
  let failedAt = 0;
  const lastKnown = (): JWTVerifyGetKey | undefined => {
    const jwks = remote.jwks();
    return jwks ? createLocalJWKSet(jwks) : undefined;
  };
  // A key the last known set lacks may be one the provider has just rotated in: retryable.
  const fromLastKnown: JWTVerifyGetKey = async (header, token) => {
    try {
      return await (lastKnown() as JWTVerifyGetKey)(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey) throw new IdentityProviderUnavailableError("The identity provider's keys are not reachable; try again shortly");
      throw error;
    }
  };
  return async (header, token) => {
    const known = remote.jwks() !== undefined;
    if (known && Date.now() - failedAt < DISCOVERY_RETRY_MS) return fromLastKnown(header, token);
    try {
      return await remote(header, token);
    } catch (error) {
      if (!known || !isFetchFailure(error)) throw error;
      failedAt = Date.now();
      return fromLastKnown(header, token);
    }
  };
}

/** jose's failures in words a client may read: what was wrong, never what the token said. */
function translate(error: unknown): Error {
  if (error instanceof InvalidTokenError || error instanceof IdentityProviderUnavailableError) return error;
  if (error instanceof UnusableClaimsError) return new InvalidTokenError(error.message);
  if (error instanceof errors.JWTExpired) return new InvalidTokenError('The access token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) {
    const claim = ['iss', 'aud', 'nbf', 'exp', 'sub'].includes(error.claim) ? error.claim : 'claims';
    return new InvalidTokenError(claim === 'nbf' ? 'The access token is not valid yet' : `The access token's ${claim} is not accepted here`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return new InvalidTokenError("The access token's signature algorithm is not accepted");
  if (error instanceof errors.JWSSignatureVerificationFailed) return new InvalidTokenError("The access token's signature is not valid");
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return new InvalidTokenError('The access token is signed with a key the identity provider does not publish');
  }
  if (isFetchFailure(error)) {
    // The keys could not be fetched (network, HTTP status, not a JWKS): not the token's fault.
    return new IdentityProviderUnavailableError("The identity provider's keys are not reachable; try again shortly");
  }
  return new InvalidTokenError('The access token is not a valid signed JWT');
}
