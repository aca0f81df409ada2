import { IdempotencyKeySchema } from '@books/contracts';
import { RequestValidationException } from '../errors/request-validation.exception';

/** A book's ETag is its version: strong, and unique per book. */
export function etagOf(book: { version: number }): string {
  return `"${book.version}"`;
}

/**
 * Reads If-Match into the version the client expects. `*` means "any version" (the book
 * must just exist); a quoted version from an ETag is a precondition; anything else,
 * including weak tags, which If-Match never matches, is a client error.
 */
export function expectedVersionFrom(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined) return undefined;
  const value = ifMatch.trim();
  if (value === '*') return undefined;
  const match = /^"([1-9]\d{0,8})"$/.exec(value);
  if (!match) {
    throw new RequestValidationException([
      { field: 'If-Match', message: 'If-Match must be one ETag as returned by GET, like "3", or *' },
    ]);
  }
  return Number(match[1]);
}

/** True when an If-None-Match header names the current ETag (or is `*`). */
export function matchesIfNoneMatch(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const candidate = tag.trim();
    return candidate === '*' || candidate === etag || candidate === `W/${etag}`;
  });
}

export function idempotencyKeyFrom(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const result = IdempotencyKeySchema.safeParse(header);
  if (!result.success) {
    throw new RequestValidationException([{ field: 'Idempotency-Key', message: result.error.issues[0]?.message ?? 'Invalid' }]);
  }
  return result.data;
}
