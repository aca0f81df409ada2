import { setTimeout as sleep } from 'node:timers/promises';
import { type DynamicModule, Module, type OnApplicationShutdown } from '@nestjs/common';
import { type Context, ROOT_CONTEXT, TraceFlags, context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler, type Sampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface TracingOptions {
  /** `service.name` on every span. */
  service: string;
  /** TRACING_SAMPLE_RATIO: the share of traces kept, 0 to 1; 0 starts nothing. */
  sampleRatio: number;
  /** OTEL_EXPORTER_OTLP_ENDPOINT: the collector's OTLP/HTTP base URL (spans go to `/v1/traces`). */
  endpoint: string;
  /**
   * Where traces are decided. `decide` (the gateway, the front door): a caller's `traceparent`
   * gives the trace its id and parent but never the decision, which is made here, from the
   * trace id. `follow` (services behind it): a remote parent's sampled flag is obeyed.
   */
  sampling: 'decide' | 'follow';
}

/**
 * The sampler for {@link TracingOptions.sampling}. The ratio sampler decides from the trace
 * id alone, so every gateway reaches the same decision for the same trace: when the relay
 * of an event (whose parent came back through the stream, sampled) is decided again at a
 * gateway, it is kept exactly when the request that caused it was.
 */
export function tracingSampler(ratio: number, sampling: TracingOptions['sampling']): Sampler {
  const byTraceId = new TraceIdRatioBasedSampler(ratio);
  return sampling === 'decide'
    ? new ParentBasedSampler({ root: byTraceId, remoteParentSampled: byTraceId, remoteParentNotSampled: byTraceId })
    : new ParentBasedSampler({ root: byTraceId });
}

/**
 * OpenTelemetry traces, exported over OTLP (HTTP/protobuf) in batches, with W3C trace
 * context as the propagation format. With a sample ratio of 0 nothing is started: the
 * OpenTelemetry API stays the no-op it is by default, and the few places that would make
 * spans find no active span and skip their work.
 *
 * Call it where the app's module is assembled (main.ts does so before Nest builds
 * anything), so spans made from the first request on are recorded; the module it returns
 * flushes the last spans when the app shuts down.
 */
export function tracingModule(options: TracingOptions): DynamicModule {
  const provider = options.sampleRatio > 0 ? startTracing(options) : undefined;
  return {
    module: TracingModule,
    providers: [{ provide: TracingShutdown, useFactory: () => new TracingShutdown(provider) }],
  };
}

/** The longest a stopping app waits for its last spans to be sent. */
const SHUTDOWN_FLUSH_MS = 2_000;

@Module({})
class TracingModule {}

class TracingShutdown implements OnApplicationShutdown {
  constructor(private readonly provider?: NodeTracerProvider) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.provider) return;
    // Sends the spans still batched, but an unreachable collector must not hold up the stop.
    await Promise.race([this.provider.shutdown().catch(() => undefined), sleep(SHUTDOWN_FLUSH_MS, undefined, { ref: false })]);
  }
}

function startTracing({ service, sampleRatio, endpoint, sampling }: TracingOptions): NodeTracerProvider {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: service }),
    sampler: tracingSampler(sampleRatio, sampling),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: new URL('v1/traces', withSlash(endpoint)).href }))],
  });
  // Registers the provider, Node's AsyncLocalStorage context manager and the W3C propagator.
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return provider;
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/**
 * The active span's context as a W3C `traceparent`, when a sampled trace is active; else
 * undefined, at the cost of one lookup (no span is active while tracing is off).
 * For trace context that must outlive the request: kept with a change until it is published.
 */
export function activeTraceparent(): string | undefined {
  const span = trace.getSpan(context.active());
  if (!span || !(span.spanContext().traceFlags & TraceFlags.SAMPLED)) return undefined;
  const carrier: { traceparent?: string } = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** The context a `traceparent` kept by {@link activeTraceparent} stands for (its span as remote parent). */
export function contextFromTraceparent(traceparent: string): Context {
  return propagation.extract(ROOT_CONTEXT, { traceparent });
}

/**
 * Messaging attribute names of the OpenTelemetry semantic conventions. They are still
 * "incubating" there, and the package advises copying those rather than importing them.
 */
export const MessagingAttributes = {
  system: 'messaging.system',
  destination: 'messaging.destination.name',
  operationType: 'messaging.operation.type',
  operationName: 'messaging.operation.name',
  messageId: 'messaging.message.id',
  consumerGroup: 'messaging.consumer.group.name',
} as const;
