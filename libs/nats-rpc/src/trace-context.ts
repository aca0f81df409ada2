import type { MsgHdrs } from '@nats-io/transport-node';
import { type Context, ROOT_CONTEXT, type TextMapGetter, type TextMapSetter, propagation } from '@opentelemetry/api';

// NATS headers hold W3C trace context (`traceparent`, `tracestate`) as HTTP headers do.
const setter: TextMapSetter<MsgHdrs> = { set: (headers, key, value) => headers.set(key, value) };
const getter: TextMapGetter<MsgHdrs> = {
  // nats.js answers '' for a header that is not there.
  get: (headers, key) => headers.get(key) || undefined,
  keys: (headers) => headers.keys(),
};

/** Writes the trace context of `context` into a message's headers (nothing while tracing is off). */
export function injectTraceContext(context: Context, headers: MsgHdrs): void {
  propagation.inject(context, headers, setter);
}

/** The trace context a message carries, as the parent of the spans that handle it. */
export function extractTraceContext(headers: MsgHdrs | undefined): Context {
  return headers ? propagation.extract(ROOT_CONTEXT, headers, getter) : ROOT_CONTEXT;
}
