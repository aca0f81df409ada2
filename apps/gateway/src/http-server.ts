import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { IncomingMessage } from 'node:http';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { REQUEST_ID_HEADER } from '@books/contracts';
import type { GatewayConfig } from './config/gateway.config';
import { clientErrorHandler } from './errors/client-error.handler';
import { frameworkErrors } from './errors/framework-errors';
import { useStrictJsonParser } from './errors/strict-json.parser';
import { registerHttpMetrics } from './observability/http-metrics';
import { registerHttpTracing } from './observability/http-tracing';
import { registerAuthentication } from './auth/authentication.hook';
import { TokenVerifier } from './auth/token-verifier';
import { requestIdFor } from './request-id';
import { ShutdownDrain } from './shutdown-drain';

/** The contract's limit on request bodies; Fastify answers 413 past it. */
const BODY_LIMIT_BYTES = 16 * 1024;
const PROBES = /^\/(api\/health\/|metrics$)/;

/** Fastify with the gateway's limits: body size, timeouts, proxies, request ids. */
export function createHttpAdapter(config: GatewayConfig): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    // `__proto__` and `constructor.prototype` keys in a JSON body are refused (400) while parsing.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // The request id also goes on the raw request, where the request logger picks it up.
    genReqId: (request: IncomingMessage) => (request.id = requestIdFor(request)),
    requestIdHeader: false,
    trustProxy: config.TRUST_PROXY,
    keepAliveTimeout: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS,
    // Node checks these deadlines on a timer (every 30 s by default), so a client trickling a
    // body kept its connection for up to 40 s past a 10 s limit; check every second instead.
    // headersTimeout would otherwise stay at Node's 60 s: the headers get the same deadline.
    http: { headersTimeout: config.HTTP_REQUEST_TIMEOUT_MS, requestTimeout: config.HTTP_REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 1_000 },
    // While shutting down: new requests get 503, idle keep-alive connections are closed,
    // and the ones in progress finish.
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { maxParamLength: 200 },
    clientErrorHandler,
    frameworkErrors,
  });
}

/** Everything around the routes: security headers, rate limits, CORS, request ids, metrics. */
export async function configureHttp(app: NestFastifyApplication, config: GatewayConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  // Bodies are UTF-8 JSON or nothing: without Fastify's text/plain parser, anything else gets a 415.
  fastify.removeContentTypeParser('text/plain');
  useStrictJsonParser(fastify);
  // First of the hooks: everything after it runs inside the request's span.
  if (config.TRACING_SAMPLE_RATIO > 0) registerHttpTracing(fastify, { ignore: PROBES });
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  registerHttpMetrics(fastify);
  closeConnectionsWhenShuttingDown(fastify, app.get(ShutdownDrain));
  // Before the rate limiter (preHandler), which counts a signed-in caller by subject.
  registerAuthentication(fastify, app.get(TokenVerifier, { strict: false }) ?? undefined);

  // The gateway owns the security headers of API responses; Nginx adds its own only to what
  // it serves itself, so no header arrives twice with two values.
  await app.register(helmet, {
    // JSON needs no scripts; the API docs page loads its own script and style files.
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        frameAncestors: ["'none'"],
        // Over plain HTTP this would send every asset of /api/docs to https:// (a blank page).
        upgradeInsecureRequests: config.PUBLIC_HTTPS ? [] : null,
      },
    },
    strictTransportSecurity: config.PUBLIC_HTTPS ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    // The same as the web app's headers (deploy/nginx/security-headers.conf).
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
  });

  if (config.RATE_LIMIT_MAX > 0) {
    await app.register(rateLimit, {
      max: config.RATE_LIMIT_MAX,
      timeWindow: config.RATE_LIMIT_WINDOW_MS,
      // After authentication (onRequest): a signed-in caller has one budget wherever it comes
      // from, and callers behind one address (an office, a NAT) do not share theirs.
      hook: 'preHandler',
      keyGenerator: (request) => (request.caller ? `user:${request.caller.subject}` : request.ip),
      allowList: (request) => PROBES.test(request.url),
      errorResponseBuilder: (_request, context) => ({
        statusCode: 429,
        message: `More than ${context.max} requests in ${context.after === '0' ? 'the window' : 'a short time'}; retry after ${context.after}.`,
      }),
    });
  }

  if (config.CORS_ORIGINS.length > 0) {
    app.enableCors({
      origin: config.CORS_ORIGINS,
      allowedHeaders: ['authorization', 'content-type', 'if-match', 'if-none-match', 'idempotency-key', 'last-event-id', 'traceparent', 'tracestate', REQUEST_ID_HEADER],
      exposedHeaders: ['etag', 'location', 'retry-after', 'www-authenticate', REQUEST_ID_HEADER],
      maxAge: 600,
    });
  }
}

/**
 * Once shutdown starts (the drain, then the close), every response closes its connection. Node
 * closes the idle keep-alive connections when the server closes, but a connection busy with a
 * request at that moment would go back to idle afterwards and hold the process open for the
 * keep-alive timeout.
 */
function closeConnectionsWhenShuttingDown(fastify: FastifyInstance, drain: ShutdownDrain): void {
  let closing = false;
  fastify.addHook('preClose', async () => {
    closing = true;
  });
  fastify.addHook('onSend', async (_request, reply) => {
    if (closing || drain.draining) reply.header('connection', 'close');
  });
}
