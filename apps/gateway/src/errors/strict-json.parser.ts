import { type FastifyInstance, type FastifyRequest, errorCodes } from 'fastify';

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
  fastify.addContentTypeParser('application/json', (request, payload, done) => {
    // An import reads its file as a stream, a record at a time, however large it is.
    if (isImport(request)) {
      done(null, payload);
      return;
    }
    readLimited(payload, request.headers['content-length'], fastify.initialConfig.bodyLimit ?? 0).then(
      (body) => parseJson(request, body, done),
      (error: Error) => done(error, undefined),
    );
  });
  // NDJSON and CSV are import formats only; elsewhere they get 415 like any other non-JSON body.
  fastify.addContentTypeParser(['application/x-ndjson', 'text/csv'], (request, payload, done) => {
    if (isImport(request)) done(null, payload);
    else done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(request.headers['content-type']), undefined);
  });

  function parseJson(request: FastifyRequest, body: Buffer, done: (error: Error | null, value?: unknown) => void): void {
    if (body.length === 0 && NO_BODY_METHODS.has(request.method)) {
      done(null, undefined);
      return;
    }
    let text: string;
    try {
      text = UTF8.decode(body);
    } catch {
      done(new InvalidEncodingError(), undefined);
      return;
    }
    parse(request, text, done);
  }
}

const IMPORT_ROUTE = '/api/books/import';

function isImport(request: FastifyRequest): boolean {
  return request.method === 'POST' && request.routeOptions.url === IMPORT_ROUTE;
}

/** The body, up to the limit Fastify would apply: 413 past it, as Fastify answers. */
async function readLimited(payload: NodeJS.ReadableStream, contentLength: string | undefined, limit: number): Promise<Buffer> {
  if (contentLength !== undefined && Number(contentLength) > limit) throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of payload as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > limit) throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, length);
}
