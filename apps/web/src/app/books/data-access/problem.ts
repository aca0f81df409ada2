import { HttpErrorResponse } from '@angular/common/http';
import type { FieldError } from '@books/contracts';

/**
 * A failed API call, read from the gateway's `application/problem+json` answer (RFC 9457).
 * Status 0 means the request never got an answer.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  /** For 400s: what is wrong with which field, in the shape the forms show. */
  readonly fieldErrors: readonly FieldError[];
  /** For 429 and 503: how long the server asks us to wait. */
  readonly retryAfterSeconds?: number;
  /** The gateway's X-Request-Id, for finding the request in its logs. */
  readonly requestId?: string;
  /** True when the API gave no answer of its own: the network failed or a proxy stood in for it. */
  readonly unreachable: boolean;

  constructor(init: {
    status: number;
    title: string;
    detail: string;
    fieldErrors?: readonly FieldError[];
    retryAfterSeconds?: number;
    requestId?: string;
    unreachable?: boolean;
  }) {
    super(init.detail || init.title);
    this.name = 'ApiError';
    this.status = init.status;
    this.title = init.title;
    this.detail = init.detail;
    this.fieldErrors = init.fieldErrors ?? [];
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.requestId = init.requestId;
    this.unreachable = init.unreachable ?? false;
  }
}

interface ProblemBody {
  title?: unknown;
  detail?: unknown;
  requestId?: unknown;
  errors?: unknown;
}

/** Turns whatever an HTTP call failed with into an {@link ApiError}; an ApiError passes through. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (!(error instanceof HttpErrorResponse)) {
    return new ApiError({ status: 0, title: 'Unexpected error', detail: error instanceof Error ? error.message : String(error) });
  }
  const body = problemBody(error.error);
  // Without a problem body the answer came from something in between (Nginx, the dev proxy)
  // that could not reach the gateway, or from no server at all.
  const unreachable = error.status === 0 || (error.status >= 500 && body === undefined);
  return new ApiError({
    status: error.status,
    title: text(body?.title) ?? error.statusText,
    detail: text(body?.detail) ?? '',
    fieldErrors: fieldErrors(body?.errors),
    retryAfterSeconds: retryAfterSeconds(error.headers.get('Retry-After')),
    requestId: text(body?.requestId),
    unreachable,
  });
}

/** A sentence a person can act on, for toasts and error panels. */
export function describeApiError(error: ApiError): string {
  if (error.unreachable) {
    return 'The books service cannot be reached. Check your connection, then try again.';
  }
  const wait = error.retryAfterSeconds === undefined ? '' : ` Try again in ${pluralize(error.retryAfterSeconds, 'second')}.`;
  if (error.status === 429) return `Too many requests.${wait || ' Try again in a moment.'}`;
  // The gateway's words name the RFC 6750 error; the user needs to know what to do.
  if (error.status === 401) return 'You need to sign in (again) to make changes.';
  if (error.status === 403) return 'Your account can read but not edit the catalogue.';
  const message = error.detail || error.title || `The request failed (HTTP ${error.status}).`;
  return `${message}${wait}`;
}

function problemBody(body: unknown): ProblemBody | undefined {
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const candidate = body as ProblemBody;
  return typeof candidate.title === 'string' || typeof candidate.detail === 'string' ? candidate : undefined;
}

function fieldErrors(errors: unknown): FieldError[] {
  if (!Array.isArray(errors)) return [];
  return errors.filter(
    (error): error is FieldError => typeof error?.field === 'string' && typeof error?.message === 'string',
  );
}

/** Retry-After is either a number of seconds or an HTTP date. */
function retryAfterSeconds(header: string | null): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function pluralize(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
