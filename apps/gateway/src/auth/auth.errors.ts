/**
 * Why a bearer token was not accepted. The message is ours, for the client to read: it never
 * quotes the token or its claims.
 */
export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
}

/**
 * The token could not be checked because the identity provider (its discovery document or
 * its keys) is out of reach: the client may retry, and must not throw its token away.
 */
export class IdentityProviderUnavailableError extends Error {
  override readonly name = 'IdentityProviderUnavailableError';
}
