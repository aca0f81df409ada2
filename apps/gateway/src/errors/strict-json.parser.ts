import type { FastifyInstance } from 'fastify';

// ignoreBOM keeps a byte order mark in the text: the JSON parser drops one, as Fastify's does.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Methods whose requests carry no body here: a JSON content type with an empty body is fine. */
const NO_BODY_METHODS = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

class InvalidEncodingError extends Error {
  readonly statusCode = 400;
  constructor() {
    super('The request body is not valid UTF-8');
  }
}

/**
 * JSON bodies as RFC 8259 has them: UTF-8, or refused. Fastify's parser decodes invalid
 * bytes into U+FFFD, which would store silently changed text; this one refuses them (400)
 * and then parses exactly as Fastify does (with its prototype-poisoning checks).
 * A client that sends `Content-Type: application/json` on every call, a DELETE included,
 * gets no "empty body" error where no body is expected.
 */
export function useStrictJsonParser(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    if ((body as Buffer).length === 0 && NO_BODY_METHODS.has(request.method)) {
      done(null, undefined);
      return;
    }
    let text: string;
    try {
      text = UTF8.decode(body as Buffer);
    } catch {
      done(new InvalidEncodingError(), undefined);
      return;
    }
    parse(request, text, done);
  });
}
