import Fastify, { type FastifyInstance } from 'fastify';
import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { tracingSampler } from '@books/server-kit';
import { registerHttpTracing } from './http-tracing';

const exporter = new InMemorySpanExporter();
let provider: NodeTracerProvider;
let app: FastifyInstance;
/** The trace id the handler saw as active, per request. */
let activeTraceId: string | undefined;

beforeAll(async () => {
  provider = new NodeTracerProvider({ sampler: tracingSampler(1, 'decide'), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  app = Fastify();
  registerHttpTracing(app, { ignore: /^\/api\/health\// });
  const handler = async () => {
    activeTraceId = trace.getSpan(context.active())?.spanContext().traceId;
    return { ok: true };
  };
  app.get('/api/books/:id', handler);
  app.get('/api/health/live', handler);
  await app.ready();
});
afterEach(() => {
  exporter.reset();
  activeTraceId = undefined;
});
afterAll(async () => {
  await app.close();
  await provider.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
});

describe('registerHttpTracing', () => {
  it("continues the caller's trace (even unsampled: the gateway decides) in a span named by route template", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await app.inject({ url: '/api/books/42?fields=all', headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-00` } });
    expect(response.statusCode).toBe(200);

    const [span] = exporter.getFinishedSpans();
    expect(span.name).toBe('GET /api/books/:id');
    expect(span.spanContext().traceId).toBe(traceId);
    expect(span.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(span.attributes).toMatchObject({ 'http.route': '/api/books/:id', 'url.path': '/api/books/42', 'http.response.status_code': 200 });
    // The handler runs inside it: what it sends on (the NATS request) joins the trace.
    expect(activeTraceId).toBe(traceId);
  });

  it('leaves out the health checks', async () => {
    expect((await app.inject({ url: '/api/health/live' })).statusCode).toBe(200);
    expect(exporter.getFinishedSpans()).toEqual([]);
    expect(activeTraceId).toBeUndefined();
  });
});
