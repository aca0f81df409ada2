import { round } from './cpu';

export interface LatencySummary {
  count: number;
  mean: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/**
 * Every latency of a run, kept exactly (a run is at most a few hundred thousand values).
 * autocannon's own histogram counts whole milliseconds, too coarse for sub-millisecond
 * hops like NATS request/reply; all scenarios use this one, so they compare fairly.
 */
export class LatencyRecorder {
  private values = new Float64Array(1 << 14);
  private length = 0;

  record(ms: number): void {
    if (this.length === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.length++] = ms;
  }

  get count(): number {
    return this.length;
  }

  summary(): LatencySummary {
    const sorted = this.values.slice(0, this.length).sort();
    const n = sorted.length;
    if (n === 0) return { count: 0, mean: 0, min: 0, p50: 0, p90: 0, p99: 0, max: 0 };
    // Nearest rank: the smallest value with at least p % of the values at or below it.
    const at = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))];
    let sum = 0;
    for (const value of sorted) sum += value;
    return {
      count: n,
      mean: round(sum / n, 3),
      min: round(sorted[0], 3),
      p50: round(at(50), 3),
      p90: round(at(90), 3),
      p99: round(at(99), 3),
      max: round(sorted[n - 1], 3),
    };
  }
}
