import type { FieldError } from '@books/contracts';

/** RFC 9457 problem details, as every error response of the API carries them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The request path the problem occurred on. */
  instance?: string;
  /** The X-Request-Id of the failed request, for finding it in the logs. */
  requestId?: string;
  /** For validation problems: what is wrong with which field. */
  errors?: FieldError[];
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** The problem types of this API; docs/api.md describes each one. */
export const ProblemTypes = {
  validationFailed: { status: 400, slug: 'validation-failed', title: 'The request is not valid' },
  malformedRequest: { status: 400, slug: 'malformed-request', title: 'The request could not be read' },
  /** No access token, or one that is not valid (expired, wrong audience, bad signature); with WWW-Authenticate. */
  unauthorized: { status: 401, slug: 'unauthorized', title: 'Sign-in required' },
  /** A valid token whose caller lacks the role the operation needs. */
  forbidden: { status: 403, slug: 'forbidden', title: 'Not allowed' },
  notFound: { status: 404, slug: 'not-found', title: 'Not found' },
  methodNotAllowed: { status: 405, slug: 'method-not-allowed', title: 'Method not allowed' },
  requestTimeout: { status: 408, slug: 'request-timeout', title: 'The request took too long to arrive' },
  conflict: { status: 409, slug: 'conflict', title: 'Conflicting change' },
  idempotencyKeyReused: { status: 409, slug: 'idempotency-key-reused', title: 'Idempotency-Key reused with a different body' },
  versionMismatch: { status: 412, slug: 'version-mismatch', title: 'The book was changed by someone else' },
  payloadTooLarge: { status: 413, slug: 'payload-too-large', title: 'The request body is too large' },
  uriTooLong: { status: 414, slug: 'uri-too-long', title: 'The request URL is too long' },
  unsupportedMediaType: { status: 415, slug: 'unsupported-media-type', title: 'The request body must be JSON' },
  tooManyRequests: { status: 429, slug: 'too-many-requests', title: 'Too many requests' },
  headersTooLarge: { status: 431, slug: 'headers-too-large', title: 'The request headers are too large' },
  internal: { status: 500, slug: 'internal-error', title: 'Internal error' },
  unavailable: { status: 503, slug: 'service-unavailable', title: 'The books service is unavailable' },
  /** The token could not be checked: the identity provider is out of reach. Keep the token and retry. */
  identityProviderUnavailable: { status: 503, slug: 'identity-provider-unavailable', title: 'Sign-in cannot be checked right now' },
  timeout: { status: 504, slug: 'gateway-timeout', title: 'The books service did not answer in time' },
  /** A write that failed mid-commit, or got no answer: it may or may not have been saved. Read before retrying. */
  outcomeUnknown: { status: 504, slug: 'outcome-unknown', title: 'The change may or may not have been saved' },
} as const satisfies Record<string, ProblemType>;

export interface ProblemType {
  status: number;
  slug: string;
  title: string;
}

export function problem(type: ProblemType, detail: string, errors?: FieldError[]): Problem {
  return {
    type: `urn:books-catalogue:problem:${type.slug}`,
    title: type.title,
    status: type.status,
    detail,
    ...(errors ? { errors } : {}),
  };
}
