import { headers } from '@nats-io/transport-node';
import { ROOT_CONTEXT, TraceFlags, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { extractTraceContext, injectTraceContext } from './trace-context';

const traced = trace.setSpanContext(ROOT_CONTEXT, {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.SAMPLED,
});

describe('trace context in NATS headers', () => {
  afterEach(() => propagation.disable());

  it('carries the W3C traceparent from a request to its handler', () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const h = headers();
    injectTraceContext(traced, h);

    expect(h.get('traceparent')).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(trace.getSpanContext(extractTraceContext(h))).toEqual({ ...trace.getSpanContext(traced), isRemote: true });
  });

  it('writes and reads nothing while tracing is off (no propagator registered)', () => {
    const h = headers();
    injectTraceContext(traced, h);

    expect(h.keys()).toEqual([]);
    h.set('traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(trace.getSpanContext(extractTraceContext(h))).toBeUndefined();
  });

  it('finds no parent in a message without headers, or with a malformed traceparent', () => {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    const h = headers();
    h.set('traceparent', 'not-a-trace');

    expect(trace.getSpanContext(extractTraceContext(undefined))).toBeUndefined();
    expect(trace.getSpanContext(extractTraceContext(h))).toBeUndefined();
  });
});
