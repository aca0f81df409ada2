import { HttpErrorResponse, type HttpInterceptorFn } from '@angular/common/http';
import { retry, throwError, timer } from 'rxjs';

export const READ_RETRY = {
  attempts: 2,
  baseDelayMs: 500,
  /** A server asking for a longer pause than this is better reported than waited for. */
  maxDelayMs: 4000,
} as const;

/** Statuses worth a second try: no answer, busy, unavailable, gateway timeouts. */
const TRANSIENT = new Set([0, 429, 502, 503, 504]);

/**
 * Retries GETs, which are safe to repeat, when the failure is likely to pass: a replica
 * restarting or a dropped connection should not show the user an error panel.
 * Writes are never retried here; creates carry an Idempotency-Key for the user's own retry.
 */
export const retryReadsInterceptor: HttpInterceptorFn = (request, next) => {
  if (request.method !== 'GET') return next(request);
  return next(request).pipe(
    retry({
      count: READ_RETRY.attempts,
      delay: (error: unknown, attempt) => {
        const wait = retryDelayMs(error, attempt);
        return wait === undefined ? throwError(() => error) : timer(wait);
      },
    }),
  );
};

function retryDelayMs(error: unknown, attempt: number): number | undefined {
  if (!(error instanceof HttpErrorResponse) || !TRANSIENT.has(error.status)) return undefined;
  const retryAfter = Number(error.headers.get('Retry-After'));
  const wait = retryAfter > 0 ? retryAfter * 1000 : READ_RETRY.baseDelayMs * 2 ** (attempt - 1);
  return wait <= READ_RETRY.maxDelayMs ? wait : undefined;
}
