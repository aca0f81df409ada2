import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Read-your-writes across replicas and gateways. Each write answers with the event stream
 * position that includes it: in the `Books-Position` header for programs, and in a cookie
 * for browsers. A read sends it back (`Books-Min-Position`, or the cookie) and is answered
 * only from a replica that has applied it. Positions only grow, so a stale one costs nothing.
 */
export const POSITION_RESPONSE_HEADER = 'books-position';
export const MIN_POSITION_REQUEST_HEADER = 'books-min-position';
const POSITION_COOKIE = 'books_position';
/** Long enough for any replica to catch up many times over; after it, reads need no position. */
const COOKIE_MAX_AGE_S = 300;

/** The highest position the caller says it has seen, if any. */
export function minPositionOf(request: FastifyRequest): number | undefined {
  const header = request.headers[MIN_POSITION_REQUEST_HEADER];
  const cookie = /(?:^|;\s*)books_position=(\d{1,15})(?:;|$)/.exec(request.headers.cookie ?? '')?.[1];
  const positions = [typeof header === 'string' ? header : undefined, cookie].map(Number).filter((n) => Number.isSafeInteger(n) && n > 0);
  return positions.length > 0 ? Math.max(...positions) : undefined;
}

/** Hands a write's position to the caller. */
export function rememberPosition(reply: FastifyReply, position: number | undefined, secure: boolean): void {
  if (position === undefined) return;
  reply.header(POSITION_RESPONSE_HEADER, String(position));
  reply.header('set-cookie', `${POSITION_COOKIE}=${position}; Path=/api; Max-Age=${COOKIE_MAX_AGE_S}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`);
}
