/**
 * The benchmark harness: `npm run bench` (full), `npm run bench:smoke` (short, fails on errors).
 * See bench/README.md for what it measures and how to read the results.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ARTIFACTS_DIR, WORKSPACE_ROOT } from '@books/stack';
import { CatalogueApi } from './load/catalogue';
import { CollectionSizes } from './measure/database';
import { AppProfiler, INSPECT_NODE_OPTIONS } from './measure/profiler';
import { machineInfo } from './machine';
import { type BenchOptions, type ScenarioName, USAGE, parseOptions } from './options';
import { type BenchResults, type RunResult, gatewayShareOf, renderProfiles, renderSummary } from './report';
import { directNatsScenario, measureLatencySplit } from './scenarios/direct-nats';
import { eventsScenario } from './scenarios/events';
import { getScenario, listScenario, LIST_PATH, searchScenario } from './scenarios/reads';
import { type BenchContext, type ScenarioDefinition, loadThroughNginx, runScenario } from './scenarios/scenario';
import { createScenario, deleteOwnedBooks, mixedScenario, updateScenario } from './scenarios/writes';
import { GATEWAY_ENV, SERVICE_ENV, type Target, buildIfMissing, externalTarget, idleSample, startLocalTarget } from './target';
import { initialJavaScript } from './web/initial-js';
import { runLighthouse } from './web/lighthouse';

/**
 * Reads first, on the untouched sample catalogue; then writes. `create` deletes what it made,
 * and the books the other writers own are deleted at the end, so every run (and the 3-replica
 * run after the 1-replica one) reads a catalogue of the same size.
 */
const SCENARIOS: Record<ScenarioName, ScenarioDefinition> = {
  list: listScenario,
  search: searchScenario,
  get: getScenario,
  'direct-nats': directNatsScenario,
  create: createScenario,
  update: updateScenario,
  mixed: mixedScenario,
  events: eventsScenario,
};

const log = (line: string) => console.log(line);
const READS: readonly ScenarioName[] = ['list', 'search', 'get', 'direct-nats'];

/** The target being measured, stopped on Ctrl-C. */
let active: Target | undefined;

/**
 * Which scenarios share a topology. By default each write scenario starts on a fresh topology
 * and database, so no scenario's numbers depend on the writes of the ones before it (the
 * `history` scenario of write-path.ts measures what a long history costs).
 */
function phasesOf(options: BenchOptions): ScenarioName[][] {
  if (options.baseUrl || options.sharedTopology) return [options.scenarios];
  const reads = options.scenarios.filter((name) => READS.includes(name));
  const writes = options.scenarios.filter((name) => !READS.includes(name));
  return [reads, ...writes.map((name) => [name])].filter((phase) => phase.length > 0);
}

async function contextFor(options: BenchOptions, target: Target, outDir: string): Promise<BenchContext> {
  const api = new CatalogueApi(`${target.webUrl}/api`);
  const sampleIds = await api.allIds();
  const collections = target.mongoUrl ? await CollectionSizes.connect(target.mongoUrl) : undefined;
  let profiler: AppProfiler | undefined;
  if (options.profile && target.appLogs) {
    const dir = join(outDir, 'profiles');
    mkdirSync(dir, { recursive: true });
    profiler = await AppProfiler.attach(target.appLogs, dir);
  }
  return { options, target, api, runId: randomBytes(3).toString('hex'), sampleIds, owned: [], collections, profiler, log };
}

/** Every scenario at one replica count (or once against an external target). */
async function benchReplicas(options: BenchOptions, replicas: number, outDir: string, onFirstTarget: (target: Target) => Promise<void>): Promise<RunResult> {
  const phases = phasesOf(options);
  const idleSeconds = options.smoke ? 1 : 5;
  const run: RunResult = {
    label: options.baseUrl ? 'external' : `${replicas} replica${replicas === 1 ? '' : 's'}`,
    replicas: options.baseUrl ? undefined : replicas,
    webUrl: '',
    logDirs: [],
    freshTopologyPerWriteScenario: phases.length > 1,
    idle: { seconds: idleSeconds },
    catalogue: { booksBefore: 0, booksAfter: 0 },
    scenarios: [],
    notes: [],
  };
  for (const [index, phase] of phases.entries()) {
    const name = index === 0 ? `bench-${replicas}` : `bench-${replicas}-${phase[0]}`;
    const inspect: Record<string, string> = options.profile ? { NODE_OPTIONS: INSPECT_NODE_OPTIONS } : {};
    const env = { gateway: { ...options.gatewayEnv, ...inspect }, service: { ...options.serviceEnv, ...inspect } };
    const target = options.baseUrl ? externalTarget(options.baseUrl, options.natsUrl) : await startLocalTarget(replicas, name, env, options.tracing);
    active = target;
    let ctx: BenchContext | undefined;
    try {
      ctx = await contextFor(options, target, outDir);
      const where = target.logDir ? `, logs in ${relative(WORKSPACE_ROOT, target.logDir)}` : '';
      log(`\n== ${run.label}: ${phase.join(', ')} on ${index === 0 ? '' : 'a fresh topology at '}${target.webUrl} (${ctx.sampleIds.length} books${where})`);
      if (target.logDir) run.logDirs.push(relative(WORKSPACE_ROOT, target.logDir));
      if (index === 0) {
        run.webUrl = target.webUrl;
        run.catalogue.booksBefore = ctx.sampleIds.length;
        run.catalogue.collectionsBefore = await ctx.collections?.read();
        // Warm every process up once (JIT, connection pools), then let it idle: memory and idle CPU.
        if (options.warmupS > 0) await loadThroughNginx(ctx, options.warmupS, () => [{ method: 'GET', path: LIST_PATH }]);
        run.idle.afterWarmUp = await idleSample(target, idleSeconds);
      }
      try {
        for (const scenario of phase) {
          if (scenario === 'direct-nats' && !target.natsUrl) {
            run.notes.push('direct-nats skipped: no NATS URL for this target (use --nats-url with --base-url).');
            continue;
          }
          run.scenarios.push(await runScenario(ctx, SCENARIOS[scenario]));
          if (scenario === 'direct-nats' && options.splitDurationS > 0) {
            log(`  latency split: list and get at 1 connection through Nginx, the gateway and NATS, ${options.splitDurationS} s each...`);
            run.latencySplit = await measureLatencySplit(ctx);
          }
        }
      } finally {
        await deleteOwnedBooks(ctx);
      }
      const books = (await ctx.api.allIds()).length;
      if (books !== ctx.sampleIds.length) run.notes.push(`After ${phase.join(', ')} the catalogue had ${books} books instead of ${ctx.sampleIds.length}.`);
      if (index === phases.length - 1) {
        run.idle.afterRun = await idleSample(target, idleSeconds);
        run.idle.afterRunScenario = phase[phase.length - 1];
        run.catalogue.booksAfter = books;
        run.catalogue.collectionsAfter = await ctx.collections?.read();
      }
      if (index === 0) await onFirstTarget(target);
    } finally {
      ctx?.profiler?.close();
      await ctx?.collections?.close();
      await target.stop();
      active = undefined;
    }
  }
  run.gatewayShare = gatewayShareOf(run.scenarios);
  if (!options.baseUrl && phases.length > 1) {
    run.notes.push(`Reads share one topology; ${phases.slice(1).map((p) => p[0]).join(', ')} each ran on a fresh one (new database), so none pays for the change records of another.`);
  }
  if (options.baseUrl) run.notes.push('CPU per process and memory: not available for an external target (only the load generator is measured).');
  return run;
}

async function main(): Promise<number> {
  const parsed = parseOptions(process.argv.slice(2));
  if (parsed === 'help') {
    console.log(USAGE);
    return 0;
  }
  const options = parsed;
  const startedAt = new Date();
  const outDir = options.outDir ?? join(ARTIFACTS_DIR, 'bench', startedAt.toISOString().replace(/[:.]/g, '-'));
  mkdirSync(outDir, { recursive: true });
  const machine = machineInfo();
  log(`Benchmark${options.smoke ? ' (smoke)' : ''}: ${machine.cores} cores (os.availableParallelism()), ${machine.cpuModel}, Node ${machine.node}`);
  log(
    options.baseUrl
      ? `Target: existing deployment at ${options.baseUrl}; CPU and memory of its processes are not available.`
      : `Target: local topology (tools/stack) per replica count ${options.replicas.join(', ')}; gateway rate limiting off (RATE_LIMIT_MAX=0), LOG_LEVEL=warn in gateway and books-service` +
          `${Object.keys(options.gatewayEnv).length ? `; gateway also ${JSON.stringify(options.gatewayEnv)}` : ''}` +
          `${Object.keys(options.serviceEnv).length ? `; books-service also ${JSON.stringify(options.serviceEnv)}` : ''}` +
          `; tracing ${options.tracing === undefined ? 'off' : `on, ${options.tracing * 100} % of requests, to Jaeger`}.`,
  );
  log(`${options.connections} connections${options.writeConnections !== options.connections ? ` (${options.writeConnections} for create and update)` : ''}, ${options.warmupS} s warm-up + ${options.durationS} s per scenario; ${options.eventChanges} event changes. Results: ${relative(WORKSPACE_ROOT, outDir)}`);
  if (!options.baseUrl) buildIfMissing(log);

  const runs: RunResult[] = [];
  const notes: string[] = [
    'Catalogue: reads run on the sample catalogue as seeded; `create` deletes every book it made right after it (untimed), and the books the write scenarios own (one per connection) are deleted at the end, so the catalogue does not grow (FerretDB reads the whole matching set for each sorted page). Change records and events of those writes stay, as they would in production.',
    'Latencies are per response, exact (not autocannon’s whole-millisecond histogram), and include non-2xx responses; throughput = responses / measured seconds.',
  ];
  let lighthouse: BenchResults['web']['lighthouse'];
  const lighthouseOnce = async (target: Target) => {
    if (!options.lighthouse || lighthouse) return;
    log(`\nLighthouse on ${target.webUrl}/ ...`);
    lighthouse = await runLighthouse(`${target.webUrl}/`, outDir);
    log(lighthouse.ran ? `  scores: ${JSON.stringify(lighthouse.scores)}` : `  skipped: ${lighthouse.reason}`);
  };
  const interrupt = () => {
    log('\nInterrupted: stopping the topology...');
    void (active?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  try {
    for (const replicas of options.replicas) runs.push(await benchReplicas(options, replicas, outDir, lighthouseOnce));
  } finally {
    process.removeListener('SIGINT', interrupt);
  }

  const initialJs = initialJavaScript(join(WORKSPACE_ROOT, 'dist', 'apps', 'web', 'browser'));
  const totalErrors = runs.reduce((sum, run) => sum + run.scenarios.reduce((n, s) => n + s.errorCount, 0), 0);
  const results: BenchResults = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    mode: options.smoke ? 'smoke' : 'full',
    machine,
    settings: {
      target: options.baseUrl ? 'external' : 'local',
      baseUrl: options.baseUrl,
      replicas: options.replicas,
      connections: options.connections,
      writeConnections: options.writeConnections,
      durationS: options.durationS,
      warmupS: options.warmupS,
      eventChanges: options.eventChanges,
      eventWriters: options.eventWriters,
      splitDurationS: options.splitDurationS,
      scenarios: options.scenarios,
      freshTopologyPerWriteScenario: !options.baseUrl && !options.sharedTopology,
      profiled: options.profile,
      gatewayEnv: options.baseUrl ? undefined : { ...GATEWAY_ENV, ...options.gatewayEnv },
      serviceEnv: options.baseUrl ? undefined : { ...SERVICE_ENV, ...options.serviceEnv },
      loadGenerator: 'autocannon 8 (programmatic, pipelining 1) and nats.js in the harness process',
    },
    runs,
    web: { initialJs, lighthouse },
    notes,
    totalErrors,
  };
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  const summary = renderSummary(results);
  writeFileSync(join(outDir, 'summary.md'), summary);
  if (options.profile) writeFileSync(join(outDir, 'profiles.md'), renderProfiles(results));
  log(`\n${summary}`);
  log(`Written: ${relative(WORKSPACE_ROOT, join(outDir, 'results.json'))}, ${relative(WORKSPACE_ROOT, join(outDir, 'summary.md'))}`);
  if (totalErrors > 0) {
    console.error(`FAILED: ${totalErrors} error(s) (non-2xx responses, socket errors or missing events): every scenario must have none.`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
