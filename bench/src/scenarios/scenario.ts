import { setTimeout as sleep } from 'node:timers/promises';
import { type CpuSeconds, cpuPerThousand, cpuUsedBetween, round, sampleCpu } from '../measure/cpu';
import { machineBusySeconds } from '../measure/proc';
import type { LatencySummary } from '../measure/latency';
import type { CatalogueApi, OwnedBook } from '../load/catalogue';
import type { CollectionSizes } from '../measure/database';
import type { AppProfiler, ProfileSummary } from '../measure/profiler';
import { type HttpLoadResult, type HttpRequest, runHttpLoad } from '../load/http-load';
import type { BenchOptions, ScenarioName } from '../options';
import type { Target } from '../target';

/** Everything a scenario needs: the target, the API, and the books it may use. */
export interface BenchContext {
  options: BenchOptions;
  target: Target;
  api: CatalogueApi;
  /** Marks what this run creates (titles, idempotency keys), so it can find and delete it. */
  runId: string;
  /** Ids of the books that were there before the run (the sample catalogue). */
  sampleIds: string[];
  /** One book per connection, created before the first write scenario. */
  owned: OwnedBook[];
  /** Reads document counts from the database (local topology only). */
  collections?: CollectionSizes;
  /** With --profile: samples the apps during each measured run. */
  profiler?: AppProfiler;
  log: (line: string) => void;
}

/** What one measured run produced, before CPU is attributed. */
export interface Outcome {
  operations: number;
  durationS: number;
  latency: LatencySummary;
  errors: { non2xx: number; socket: number; other: number };
  statusCodes?: Record<string, number>;
  extra?: Record<string, unknown>;
  notes?: string[];
}

export interface ScenarioResult extends Outcome {
  name: ScenarioName;
  description: string;
  /** What `operations` counts: HTTP requests, NATS requests or event changes. */
  unit: 'requests' | 'changes';
  throughput: number;
  errorCount: number;
  /** CPU seconds used by each kind of process during the measured run. */
  cpuSeconds: CpuSeconds;
  /** The same per 1,000 operations. */
  cpuPer1k: CpuSeconds & { total?: number };
  /** CPU seconds of all measured processes per second: cores kept busy (the machine has os.availableParallelism()). */
  coresBusy?: number;
  /**
   * Cores busy with anything else on the machine meanwhile (other programs, the kernel):
   * a run where this is high was disturbed.
   */
  otherCoresBusy?: number;
  /** Documents per collection once the scenario and its clean-up are done (local topology only). */
  collectionsAfter?: Record<string, number>;
  /** With --profile: where each app spent its CPU during the measured run. */
  profiles?: ProfileSummary[];
}

export interface ScenarioDefinition {
  name: ScenarioName;
  description: string;
  unit: 'requests' | 'changes';
  warmUp(ctx: BenchContext): Promise<void>;
  measure(ctx: BenchContext): Promise<Outcome>;
  /** Untimed work after measuring: re-reading versions, deleting what it created. */
  cleanUp?(ctx: BenchContext): Promise<void>;
}

/** Warm-up, then the measured run between two CPU samples of every process, then clean-up. */
export async function runScenario(ctx: BenchContext, scenario: ScenarioDefinition): Promise<ScenarioResult> {
  ctx.log(`  ${scenario.name}: warming up ${ctx.options.warmupS} s, then measuring...`);
  if (ctx.options.warmupS > 0) await scenario.warmUp(ctx);
  // A short pause lets requests cut off at the end of the warm-up finish before CPU is sampled.
  await sleep(500);
  const processes = ctx.target.processes ?? {};
  await ctx.profiler?.start();
  const machineBefore = machineBusySeconds();
  const before = sampleCpu(processes);
  const outcome = await scenario.measure(ctx);
  const after = sampleCpu(processes);
  const machineAfter = machineBusySeconds();
  const profiles = await ctx.profiler?.stop(`r${ctx.target.replicas ?? 0}-${scenario.name}`);
  const cpuSeconds = cpuUsedBetween(before, after);
  await scenario.cleanUp?.(ctx);
  const ours = Object.values(cpuSeconds).reduce((sum, seconds) => sum + seconds, 0);
  const errorCount = outcome.errors.non2xx + outcome.errors.socket + outcome.errors.other;
  const result: ScenarioResult = {
    name: scenario.name,
    description: scenario.description,
    unit: scenario.unit,
    ...outcome,
    throughput: Math.round((outcome.operations / outcome.durationS) * 10) / 10,
    errorCount,
    cpuSeconds,
    cpuPer1k: cpuPerThousand(cpuSeconds, outcome.operations),
    coresBusy: Object.keys(cpuSeconds).length > 0 ? round(ours / outcome.durationS, 2) : undefined,
    otherCoresBusy:
      machineBefore !== undefined && machineAfter !== undefined && Object.keys(cpuSeconds).length > 0
        ? round(Math.max(0, machineAfter - machineBefore - ours) / outcome.durationS, 2)
        : undefined,
    collectionsAfter: await ctx.collections?.read(),
    profiles,
  };
  const { latency } = result;
  ctx.log(
    `  ${scenario.name}: ${result.throughput} ${scenario.unit}/s, p50 ${latency.p50} ms, p90 ${latency.p90} ms, ` +
      `p99 ${latency.p99} ms, errors ${errorCount}${errorCount ? ` ${JSON.stringify(outcome.errors)} ${JSON.stringify(outcome.statusCodes ?? {})}` : ''}` +
      `${result.collectionsAfter ? `; documents now ${JSON.stringify(result.collectionsAfter)}` : ''}`,
  );
  return result;
}

/** An HTTP outcome from an autocannon run. */
export function httpOutcome(result: HttpLoadResult): Outcome {
  return {
    operations: result.responses,
    durationS: result.durationS,
    latency: result.latency,
    errors: { non2xx: result.non2xx, socket: result.socketErrors, other: 0 },
    statusCodes: result.statusCodes,
    ...(result.socketErrors ? { extra: { socketErrorCodes: result.socketErrorCodes } } : {}),
  };
}

/** Runs `requestsFor` through Nginx with the configured connections for `durationS`. */
export function loadThroughNginx(
  ctx: BenchContext,
  durationS: number,
  requestsFor: (connection: number) => HttpRequest[],
  options: { origin?: string; connections?: number } = {},
): Promise<HttpLoadResult> {
  return runHttpLoad({
    origin: options.origin ?? ctx.target.webUrl,
    connections: options.connections ?? ctx.options.connections,
    durationS,
    requestsFor,
  });
}
