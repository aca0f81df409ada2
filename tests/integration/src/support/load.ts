import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '@books/stack';

export interface Outcome {
  /** What the worker did: 'read', 'write', … */
  kind: string;
  status: number;
  ms: number;
  /** When the request started, ms since the load started. */
  at: number;
}

/**
 * Steady load from a few concurrent workers, each running `operation` back to back until
 * stopped, recording every outcome. It is a correctness harness (did any request fail?),
 * not a benchmark: the benchmarks live in bench/.
 */
export class SteadyLoad {
  readonly outcomes: Outcome[] = [];
  private running = true;
  private readonly workers: Promise<void>[];
  private readonly started = performance.now();

  constructor(concurrency: number, operation: (worker: number, iteration: number) => Promise<{ kind: string; status: number }>, pauseMs = 5) {
    this.workers = Array.from({ length: concurrency }, async (_, worker) => {
      for (let iteration = 0; this.running; iteration++) {
        const at = performance.now() - this.started;
        let result: { kind: string; status: number };
        try {
          result = await operation(worker, iteration);
        } catch {
          result = { kind: 'network', status: 0 };
        }
        this.outcomes.push({ ...result, ms: performance.now() - this.started - at, at });
        if (pauseMs) await sleep(pauseMs);
      }
    });
  }

  async stop(): Promise<Outcome[]> {
    this.running = false;
    await Promise.all(this.workers);
    return this.outcomes;
  }

  get failures(): Outcome[] {
    return this.outcomes.filter((outcome) => outcome.status === 0 || outcome.status >= 400);
  }

  /** Resolves once `count` more requests have completed, however they went. */
  async completes(count: number): Promise<void> {
    const target = this.outcomes.length + count;
    await waitFor(`${count} more requests`, () => this.outcomes.length >= target);
  }
}
