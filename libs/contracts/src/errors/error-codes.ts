/**
 * Why a books-service request failed. The service answers with one of these codes; the
 * gateway alone decides which HTTP status each one becomes.
 */
export const ErrorCode = {
  /** The payload broke a rule of the contract; `errors` says which fields. */
  ValidationFailed: 'VALIDATION_FAILED',
  /** No book has that id. */
  NotFound: 'NOT_FOUND',
  /** The caller's expected version (If-Match) is not the current one; nothing was changed. */
  VersionMismatch: 'VERSION_MISMATCH',
  /** Another change to the same book won the race; retrying may succeed. */
  Conflict: 'CONFLICT',
  /** An idempotency key was used before with a different request body. */
  IdempotencyKeyReused: 'IDEMPOTENCY_KEY_REUSED',
  /** A dependency of the service (the database) is not reachable. */
  Unavailable: 'UNAVAILABLE',
  /** The write may or may not have been committed (the database failed mid-commit); read before retrying. */
  OutcomeUnknown: 'OUTCOME_UNKNOWN',
  /** A fault in the service itself. */
  Internal: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export interface FieldError {
  /** Dotted path of the offending field (`title`, `limit`), or `body`/`query` for the whole input. */
  field: string;
  message: string;
}

/** The error half of a reply envelope. */
export interface ReplyError {
  code: ErrorCode;
  message: string;
  errors?: FieldError[];
}
