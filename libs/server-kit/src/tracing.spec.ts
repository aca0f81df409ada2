import { randomBytes } from 'node:crypto';
import { ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { SamplingDecision, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { tracingSampler } from './tracing';

const RATIO = 0.5;
const byRatio = new TraceIdRatioBasedSampler(RATIO);

/** A trace id the ratio sampler keeps (`true`) or drops (`false`). */
function traceIdKept(kept: boolean): string {
  for (;;) {
    const traceId = randomBytes(16).toString('hex');
    if ((decide(byRatio, traceId) === SamplingDecision.RECORD_AND_SAMPLED) === kept) return traceId;
  }
}

/** The decision for a span of `traceId` whose parent (if any) came from elsewhere with `flags`. */
function decide(sampler: ReturnType<typeof tracingSampler> | TraceIdRatioBasedSampler, traceId: string, parent?: { flags: TraceFlags; remote: boolean }): SamplingDecision {
  const context = parent
    ? trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: randomBytes(8).toString('hex'), traceFlags: parent.flags, isRemote: parent.remote })
    : ROOT_CONTEXT;
  return sampler.shouldSample(context, traceId, 'span', SpanKind.SERVER, {}, []).decision;
}

const SAMPLED = SamplingDecision.RECORD_AND_SAMPLED;
const DROPPED = SamplingDecision.NOT_RECORD;

describe('tracingSampler', () => {
  describe('where traces are decided (the gateway)', () => {
    const sampler = tracingSampler(RATIO, 'decide');

    it('keeps the given share of new traces, by trace id', () => {
      expect(decide(sampler, traceIdKept(true))).toBe(SAMPLED);
      expect(decide(sampler, traceIdKept(false))).toBe(DROPPED);
    });

    it("does not let a caller's traceparent decide: a browser's unsampled trace may be kept, a sampled one dropped", () => {
      expect(decide(sampler, traceIdKept(true), { flags: TraceFlags.NONE, remote: true })).toBe(SAMPLED);
      expect(decide(sampler, traceIdKept(false), { flags: TraceFlags.SAMPLED, remote: true })).toBe(DROPPED);
    });

    it('keeps every span inside a kept trace, and none inside a dropped one', () => {
      const traceId = traceIdKept(false);
      expect(decide(sampler, traceId, { flags: TraceFlags.SAMPLED, remote: false })).toBe(SAMPLED);
      expect(decide(sampler, traceIdKept(true), { flags: TraceFlags.NONE, remote: false })).toBe(DROPPED);
    });

    it('decides the same for the same trace id every time (so every gateway agrees)', () => {
      const traceId = traceIdKept(true);
      expect(decide(tracingSampler(RATIO, 'decide'), traceId, { flags: TraceFlags.SAMPLED, remote: true })).toBe(SAMPLED);
    });
  });

  describe('behind the gateway (the books-service)', () => {
    const sampler = tracingSampler(RATIO, 'follow');

    it("follows the caller's decision, whatever the trace id", () => {
      expect(decide(sampler, traceIdKept(false), { flags: TraceFlags.SAMPLED, remote: true })).toBe(SAMPLED);
      expect(decide(sampler, traceIdKept(true), { flags: TraceFlags.NONE, remote: true })).toBe(DROPPED);
    });

    it('decides by ratio only for requests that come with no trace', () => {
      expect(decide(sampler, traceIdKept(true))).toBe(SAMPLED);
      expect(decide(sampler, traceIdKept(false))).toBe(DROPPED);
    });
  });
});
