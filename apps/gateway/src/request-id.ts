import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { REQUEST_ID_HEADER } from '@books/contracts';

const ACCEPTABLE = /^[\w.:@-]{1,128}$/;

/**
 * Fastify's request id: the caller's X-Request-Id when it is a sane token (so a trace can
 * start upstream, at Nginx or in a client), otherwise a new UUID.
 */
export function requestIdFor(request: IncomingMessage): string {
  const given = request.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && ACCEPTABLE.test(given) ? given : randomUUID();
}
