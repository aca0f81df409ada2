import type { JWTPayload } from 'jose';
import type {} from 'fastify';
import type { IdentityProviderUnavailableError, InvalidTokenError } from './auth.errors';

// Declared with Caller, so that every file using request.caller sees it (the authentication
// hook sets it). The empty import makes 'fastify' part of every program that sees this file,
// which an augmentation needs.
declare module 'fastify' {
  interface FastifyRequest {
    /** Who presented a verified bearer token; undefined for anonymous requests and with AUTH=off. */
    caller?: Caller;
    /** Why a presented token was not accepted; the AccessGuard decides whether that matters. */
    authFailure?: InvalidTokenError | IdentityProviderUnavailableError;
  }
}

/** The roles this API knows. `admin` includes everything `editor` may do. */
export const ROLES = ['editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Which roles grant each role's rights: an admin is also an editor. */
const GRANTED_BY: Record<Role, readonly string[]> = { editor: ['editor', 'admin'], admin: ['admin'] };

/**
 * Who is calling, as the verified access token says; nothing here comes from anywhere else.
 *
 * `kind` is `client` when the token was issued to a program for itself (OAuth client
 * credentials): its `sub` is the client's own id, that is equal to `client_id` (RFC 9068) or
 * to `azp`. Every other token acts for a person: `user`. (An identity provider that gives
 * service accounts a subject of their own, as Keycloak does, makes them look like users.)
 */
export interface Caller {
  subject: string;
  /** For people to read (history, events): the name claim, else `preferred_username`, else `sub`. */
  name: string;
  roles: readonly string[];
  kind: 'user' | 'client';
}

export interface ClaimNames {
  /** Dotted path to the roles: `roles`, `realm_access.roles`. */
  rolesClaim: string;
  nameClaim: string;
}

/** OIDC subjects are at most 255 ASCII characters; visible ones only, so a subject can scope an Idempotency-Key and travel in a header. */
const SUBJECT = /^[\x21-\x7e]{1,255}$/;
const MAX_NAME_LENGTH = 200;

export class UnusableClaimsError extends Error {}

/** The caller a verified token names; throws UnusableClaimsError when its `sub` is missing or unusable. */
export function callerFrom(claims: JWTPayload, { rolesClaim, nameClaim }: ClaimNames): Caller {
  const subject = claims.sub;
  if (typeof subject !== 'string' || !SUBJECT.test(subject)) throw new UnusableClaimsError('The access token names no usable subject (sub)');
  const kind = subject === claims['client_id'] || subject === claims['azp'] ? 'client' : 'user';
  return { subject, name: displayName(claims, nameClaim) ?? subject, roles: rolesOf(valueAt(claims, rolesClaim)), kind };
}

export function hasRole(caller: Caller | undefined, role: Role): boolean {
  return caller !== undefined && caller.roles.some((held) => GRANTED_BY[role].includes(held));
}

function displayName(claims: JWTPayload, nameClaim: string): string | undefined {
  for (const value of [valueAt(claims, nameClaim), claims['preferred_username']]) {
    // Control characters (line breaks above all) would break headers and log lines.
    const name = typeof value === 'string' ? value.replace(/\p{Cc}/gu, ' ').trim().slice(0, MAX_NAME_LENGTH) : '';
    if (name !== '') return name;
  }
  return undefined;
}

/** An array of strings, or one space-separated string (as `scope` is written). */
function rolesOf(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  return Array.isArray(value) ? value.filter((role): role is string => typeof role === 'string') : [];
}

function valueAt(claims: JWTPayload, path: string): unknown {
  let value: unknown = claims;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
