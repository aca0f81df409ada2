import type { BookInput } from '@books/contracts';

/**
 * A new Idempotency-Key: a random UUID. `crypto.randomUUID` exists only in secure contexts
 * (HTTPS or localhost); `getRandomValues` everywhere, so plain-HTTP hosts still get one.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 9562 variant
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Hands out Idempotency-Keys for one form: saving the same book again (after a timeout, a
 * double click) reuses the key, so the server creates it once; a changed body gets a new key,
 * because the server refuses a key reused with a different body.
 */
export function idempotencyKeys(newKey: () => string = newIdempotencyKey): (book: BookInput) => string {
  let last: { body: string; key: string } | undefined;
  return (book) => {
    const body = JSON.stringify(book);
    if (last?.body !== body) last = { body, key: newKey() };
    return last.key;
  };
}
