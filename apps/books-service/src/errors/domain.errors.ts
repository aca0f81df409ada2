import { ErrorCode, type FieldError } from '@books/contracts';

/** A failure the caller can act on; the filter turns it into a reply error code. */
export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  readonly errors?: FieldError[];
}

export class InvalidPayloadError extends DomainError {
  readonly code = ErrorCode.ValidationFailed;
  constructor(override readonly errors: FieldError[]) {
    super('The request is not valid');
  }
}

export class BookNotFoundError extends DomainError {
  readonly code = ErrorCode.NotFound;
  constructor(id: string) {
    super(`There is no book with id ${id}`);
  }
}

export class VersionMismatchError extends DomainError {
  readonly code = ErrorCode.VersionMismatch;
  constructor(id: string, expected: number, current: number) {
    super(`Book ${id} is at version ${current}, not ${expected}: it was changed by someone else`);
  }
}

export class BookNotDeletedError extends DomainError {
  readonly code = ErrorCode.Conflict;
  constructor(id: string) {
    super(`Book ${id} is not deleted: there is nothing to restore`);
  }
}

export class ConcurrentChangeError extends DomainError {
  readonly code = ErrorCode.Conflict;
  constructor(id: string) {
    super(`Book ${id} is being changed by other requests right now; try again`);
  }
}

/**
 * The next version of the book is committed but not applied, and stayed so while this request
 * retried: its writer is slow or died (the outbox relay rolls it forward). Temporary: 503.
 */
export class UnfinishedChangeError extends DomainError {
  readonly code = ErrorCode.Unavailable;
  constructor(id: string, version: number) {
    super(`Version ${version} of book ${id} is committed but not yet applied by the request that made it; try again shortly`);
  }
}

/** A dependency (NATS) failed before anything was committed: safe to retry. */
export class ServiceUnavailableError extends DomainError {
  readonly code = ErrorCode.Unavailable;
}

/**
 * The commit command failed and its outcome could not be read back (the database went away
 * mid-write): the change may or may not be committed. If it is, its event will be published.
 */
export class OutcomeUnknownError extends DomainError {
  readonly code = ErrorCode.OutcomeUnknown;
  constructor() {
    super('The database failed while committing the change and it is not known whether it was saved; read the book before retrying');
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  readonly code = ErrorCode.IdempotencyKeyReused;
  constructor() {
    super('This Idempotency-Key was already used with a different request body');
  }
}
