import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import type { FastifyInstance } from 'fastify';

const tracer = trace.getTracer('gateway');

/**
 * A server span for every request, the root of the gateway's part of a trace. A caller's
 * W3C `traceparent` (the web app sends one) gives the trace its id and parent; whether it is
 * kept is decided here (see tracingSampler). The span is active while the request is
 * handled, so the NATS request it makes is its child. Registered only when tracing is on;
 * `ignore` leaves out the paths probed every few seconds (health checks, metrics).
 */
export function registerHttpTracing(fastify: FastifyInstance, { ignore }: { ignore: RegExp }): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (ignore.test(request.url)) return done();
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    // Fastify has matched the route already: the span is named by its template, never by ids.
    const route = request.routeOptions.url;
    const span = tracer.startSpan(
      route ? `${request.method} ${route}` : request.method,
      { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: request.method, ...(route ? { [ATTR_HTTP_ROUTE]: route } : {}) } },
      parent,
    );
    // The rest only for the requests that are kept: at 1 %, the others skip this work. Their
    // span still goes into the context, so the books-service learns they are not traced.
    if (span.isRecording()) {
      span.setAttributes({
        [ATTR_URL_PATH]: request.url.split('?')[0],
        [ATTR_URL_SCHEME]: request.protocol,
        [ATTR_CLIENT_ADDRESS]: request.ip,
        ...(request.headers['user-agent'] ? { [ATTR_USER_AGENT_ORIGINAL]: request.headers['user-agent'] } : {}),
      });
      // 'close' comes once for every response, event streams (hijacked, no onResponse) included.
      reply.raw.once('close', () => {
        span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, reply.statusCode);
        if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      });
    }
    // The rest of the request's hooks and its handler run inside the span's context.
    context.with(trace.setSpan(parent, span), done);
  });
}
