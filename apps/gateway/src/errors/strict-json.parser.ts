import type { FastifyInstance } from 'fastify';

// ignoreBOM keeps a byte order mark in the text: the JSON parser drops one, as Fastify's does.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

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
 */
export function useStrictJsonParser(fastify: FastifyInstance): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
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
