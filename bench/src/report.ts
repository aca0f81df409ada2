import { PROCESS_KINDS, type ProcessKind } from './measure/cpu';
import type { MachineInfo } from './machine';
import type { LatencySplit } from './scenarios/direct-nats';
import type { IdleSample } from './target';
import type { ScenarioResult } from './scenarios/scenario';
import type { InitialJsReport } from './web/initial-js';
import type { LighthouseReport } from './web/lighthouse';

export interface GatewayShare {
  listP50Ms: number;
  natsP50Ms: number;
  /** (list − direct) / list at p50: the part of a list request's latency spent in Nginx and the gateway. */
  shareP50: number;
  listMeanMs: number;
  natsMeanMs: number;
  shareMean: number;
  listRps: number;
  natsRps: number;
}

export interface RunResult {
  label: string;
  replicas?: number;
  webUrl: string;
  logDirs: string[];
  /** Whether each write scenario ran on a topology (and database) of its own. */
  freshTopologyPerWriteScenario: boolean;
  /** Memory (MiB) and CPU per second with no load: after the warm-up, and after the last scenario. */
  idle: { afterWarmUp?: IdleSample; afterRun?: IdleSample; afterRunScenario?: string; seconds: number };
  catalogue: { booksBefore: number; booksAfter: number; collectionsBefore?: Record<string, number>; collectionsAfter?: Record<string, number> };
  scenarios: ScenarioResult[];
  gatewayShare?: GatewayShare;
  /** p50 at one connection through Nginx, straight to the gateway, and straight over NATS. */
  latencySplit?: Record<'list' | 'get', LatencySplit>;
  notes: string[];
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  mode: 'full' | 'smoke';
  machine: MachineInfo;
  settings: Record<string, unknown>;
  runs: RunResult[];
  web: { initialJs?: InitialJsReport; lighthouse?: LighthouseReport };
  notes: string[];
  totalErrors: number;
}

const LIST_LABEL = 'limit=8, sort=author';

const KIND_LABEL: Record<ProcessKind, string> = {
  nginx: 'nginx',
  gateway: 'gateway',
  'books-service': 'books-svc (all)',
  nats: 'nats',
  ferretdb: 'ferretdb',
  jaeger: 'jaeger',
  loadgen: 'load gen',
};

function ms(value: number): string {
  return Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function rate(value: number): string {
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

function cpu(value: number | undefined): string {
  return value === undefined ? '–' : value.toFixed(3);
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

export function gatewayShareOf(scenarios: ScenarioResult[]): GatewayShare | undefined {
  const list = scenarios.find((s) => s.name === 'list');
  const nats = scenarios.find((s) => s.name === 'direct-nats');
  if (!list || !nats || list.latency.count === 0 || nats.latency.count === 0) return undefined;
  const share = (whole: number, part: number) => Math.round(((whole - part) / whole) * 1000) / 10;
  return {
    listP50Ms: list.latency.p50,
    natsP50Ms: nats.latency.p50,
    shareP50: share(list.latency.p50, nats.latency.p50),
    listMeanMs: list.latency.mean,
    natsMeanMs: nats.latency.mean,
    shareMean: share(list.latency.mean, nats.latency.mean),
    listRps: list.throughput,
    natsRps: nats.throughput,
  };
}

function scenarioTable(run: RunResult): string[] {
  const kinds = PROCESS_KINDS.filter((kind) => run.scenarios.some((s) => s.cpuPer1k[kind] !== undefined));
  const changeLog = run.scenarios.some((s) => s.collectionsAfter);
  const header = [
    'scenario',
    'ops/s',
    'p50 ms',
    'p90 ms',
    'p99 ms',
    'max ms',
    'errors',
    ...kinds.map((k) => KIND_LABEL[k]),
    ...(kinds.length ? ['CPU total', 'cores busy', 'other load'] : []),
    ...(changeLog ? ['book_changes after'] : []),
  ];
  const lines = [
    (kinds.length ? 'CPU columns: CPU seconds per 1,000 operations (requests; for `events`, changes).' : 'CPU: not measured (external target).') +
      (kinds.length
        ? ' cores busy: CPU seconds of all these processes per second of the run; other load: cores busy outside these processes meanwhile (other programs, interrupt handling; high = a disturbed run).'
        : '') +
      (changeLog ? ' book_changes after: change records in the database once the scenario (and its clean-up) finished.' : ''),
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
  ];
  for (const s of run.scenarios) {
    const cells = [
      s.name,
      rate(s.throughput),
      ms(s.latency.p50),
      ms(s.latency.p90),
      ms(s.latency.p99),
      ms(s.latency.max),
      String(s.errorCount),
      ...kinds.map((k) => cpu(s.cpuPer1k[k])),
      ...(kinds.length
        ? [cpu(s.cpuPer1k.total), s.coresBusy === undefined ? '–' : s.coresBusy.toFixed(2), s.otherCoresBusy === undefined ? '–' : s.otherCoresBusy.toFixed(2)]
        : []),
      ...(changeLog ? [String(s.collectionsAfter?.['book_changes'] ?? '–')] : []),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines;
}

function runSection(run: RunResult): string[] {
  const lines = [`## ${run.label}${run.replicas ? ` (books-service replicas: ${run.replicas})` : ''}`, '', ...scenarioTable(run), ''];
  const share = run.gatewayShare;
  const list = run.scenarios.find((s) => s.name === 'list');
  const listCached = list !== undefined && (list.cpuPer1k['books-service'] ?? Infinity) < 0.05;
  if (share && (listCached || share.listP50Ms < share.natsP50Ms)) {
    lines.push(
      `- **Gateway share of latency**: not derivable here: \`list\` was answered without the books-service (its CPU per request ≈ 0: the gateway's read cache), ` +
        `p50 ${ms(share.listP50Ms)} ms via Nginx and the gateway vs ${ms(share.natsP50Ms)} ms for the books-service over NATS. Run with \`--gateway-env READ_CACHE=false\` to measure the uncached path.`,
    );
  } else if (share) {
    lines.push(
      `- **Gateway share of latency** (list via Nginx → gateway vs the same request straight over NATS, same concurrency): ` +
        `p50 ${ms(share.listP50Ms)} ms vs ${ms(share.natsP50Ms)} ms → Nginx + gateway = **${share.shareP50} %** of p50 (${share.shareMean} % of the mean); ` +
        `throughput ${rate(share.listRps)} vs ${rate(share.natsRps)} requests/s.`,
    );
  }
  const split = run.latencySplit;
  if (split) {
    const withGateway = Object.values(split).some((leg) => leg.gateway !== undefined);
    lines.push(
      '',
      'Unloaded latency split (1 connection, p50 ms; median of per-second p50s, the layers taking turns):',
      '',
      withGateway
        ? '| request | via Nginx | gateway direct | NATS direct | → Nginx | → gateway (HTTP + NATS client) | → NATS + books-service + DB |'
        : '| request | via Nginx | NATS direct | → Nginx + gateway | → NATS + books-service + DB |',
      withGateway ? '|---|---:|---:|---:|---:|---:|---:|' : '|---|---:|---:|---:|---:|',
    );
    for (const [name, leg] of Object.entries(split)) {
      const request = name === 'list' ? `list (${LIST_LABEL})` : 'get (one book)';
      lines.push(
        leg.gateway !== undefined
          ? `| ${request} | ${ms(leg.nginx)} | ${ms(leg.gateway)} | ${ms(leg.nats)} | ${ms(leg.nginx - leg.gateway)} | ${ms(leg.gateway - leg.nats)} | ${ms(leg.nats)} |`
          : `| ${request} | ${ms(leg.nginx)} | ${ms(leg.nats)} | ${ms(leg.nginx - leg.nats)} | ${ms(leg.nats)} |`,
      );
    }
    if (Object.values(split).some((leg) => leg.gateway !== undefined && leg.gateway < leg.nats)) {
      lines.push('', 'Negative “→ gateway”: the gateway answered from its read cache, faster than the books-service can.');
    }
    lines.push('');
  }
  const events = run.scenarios.find((s) => s.name === 'events');
  if (events?.extra) {
    const extra = events.extra as { writers: number; eventBeforePutResponse: number; putSentToEventMs: { p50: number; p99: number; max: number }; putRoundTripMs: { p50: number } };
    lines.push(
      `- **events**: ${events.operations} changes by ${extra.writers} writers; latency columns = SSE message arrival − PUT response (negative: the event came first, ` +
        `${extra.eventBeforePutResponse} of ${events.latency.count}). PUT sent → SSE message: p50 ${ms(extra.putSentToEventMs.p50)} ms, p99 ${ms(extra.putSentToEventMs.p99)} ms, ` +
        `max ${ms(extra.putSentToEventMs.max)} ms; PUT round trip p50 ${ms(extra.putRoundTripMs.p50)} ms.`,
    );
  }
  const memory = (values: Record<string, number>) =>
    Object.entries(values)
      .map(([name, mib]) => `${name} ${mib.toFixed(0)} MiB`)
      .join(', ');
  const { afterWarmUp, afterRun, afterRunScenario } = run.idle;
  if (afterWarmUp && afterRun && Object.keys(afterWarmUp.memoryMiB).length > 0) {
    const last = `idle after the last scenario (${afterRunScenario}${run.freshTopologyPerWriteScenario ? ', on its own topology' : ''})`;
    lines.push(`- **Idle memory (RSS)** after warm-up: ${memory(afterWarmUp.memoryMiB)}; ${last}: ${memory(afterRun.memoryMiB)}.`);
    const idleCpu = (sample: IdleSample) =>
      PROCESS_KINDS.filter((kind) => kind !== 'loadgen' && sample.cpuPerSecond[kind] !== undefined)
        .map((kind) => `${kind} ${((sample.cpuPerSecond[kind] ?? 0) * 100).toFixed(1)} %`)
        .join(', ');
    lines.push(`- **Idle CPU** (share of one core, ${run.idle.seconds} s with no load) after warm-up: ${idleCpu(afterWarmUp)}; ${last}: ${idleCpu(afterRun)}.`);
  }
  const sizes = (values: Record<string, number> | undefined) => (values ? ` (${Object.entries(values).map(([name, n]) => `${name} ${n}`).join(', ')})` : '');
  lines.push(
    `- Catalogue: ${run.catalogue.booksBefore} books before${sizes(run.catalogue.collectionsBefore)}, ${run.catalogue.booksAfter} after the last scenario${sizes(run.catalogue.collectionsAfter)}.`,
  );
  for (const note of run.notes) lines.push(`- ${note}`);
  lines.push('');
  return lines;
}

function scalingSection(runs: RunResult[]): string[] {
  if (runs.length < 2) return [];
  const names = runs[0].scenarios.map((s) => s.name);
  const header = ['scenario', ...runs.map((r) => `${r.label} ops/s`), ...runs.slice(1).map((r) => `× (${r.label} / ${runs[0].label})`), ...runs.map((r) => `${r.label} p50 ms`)];
  const lines = ['## Horizontal scaling', '', `| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const name of names) {
    const per = runs.map((r) => r.scenarios.find((s) => s.name === name));
    const base = per[0]?.throughput ?? 0;
    lines.push(
      `| ${[
        name,
        ...per.map((s) => (s ? rate(s.throughput) : '–')),
        ...per.slice(1).map((s) => (s && base ? `${(s.throughput / base).toFixed(2)}` : '–')),
        ...per.map((s) => (s ? ms(s.latency.p50) : '–')),
      ].join(' | ')} |`,
    );
  }
  lines.push('');
  return lines;
}

function webSection(web: BenchResults['web']): string[] {
  const lines = ['## Web', ''];
  const js = web.initialJs;
  if (js) {
    lines.push(
      `Initial JavaScript (what index.html loads directly, plus their static imports): **${kib(js.total.bytes)} raw, ${kib(js.total.gzip)} gzip (level 6, as Nginx sends it), ${kib(js.total.brotli)} brotli (q11)**`,
      '',
      '| file | raw | gzip | brotli |',
      '|---|---:|---:|---:|',
      ...js.initial.map((f) => `| ${f.file} | ${kib(f.bytes)} | ${kib(f.gzip)} | ${kib(f.brotli)} |`),
      ...js.styles.map((f) => `| ${f.file} (CSS, render-blocking) | ${kib(f.bytes)} | ${kib(f.gzip)} | ${kib(f.brotli)} |`),
      `| ${js.lazy.files} lazy chunks (not initial) | ${kib(js.lazy.bytes)} | ${kib(js.lazy.gzip)} | ${kib(js.lazy.brotli)} |`,
      '',
    );
  } else {
    lines.push('Initial JavaScript: no production web build found (dist/apps/web/browser).', '');
  }
  const lh = web.lighthouse;
  if (!lh) lines.push('Lighthouse: not run (--no-lighthouse or smoke mode).');
  else if (!lh.ran) lines.push(`Lighthouse: skipped — ${lh.reason}`);
  else {
    lines.push(
      `Lighthouse ${lh.lighthouseVersion} (${lh.formFactor}, default simulated throttling) on ${lh.url}: ` +
        `**performance ${lh.scores.performance ?? 'n/a'}, accessibility ${lh.scores.accessibility ?? 'n/a'}, best practices ${lh.scores['best-practices'] ?? 'n/a'}**`,
      '',
      `Metrics: ${Object.entries(lh.metrics)
        .map(([id, value]) => `${id} ${value}`)
        .join(', ')}.`,
    );
    if (lh.findings.length) lines.push('', 'Failed audits:', ...lh.findings.map((f) => `- ${f}`));
  }
  lines.push('');
  return lines;
}

export function renderSummary(results: BenchResults): string {
  const m = results.machine;
  const s = results.settings;
  const envOverrides = Object.fromEntries(
    Object.entries({ ...(s['gatewayEnv'] as Record<string, string> | undefined), ...(s['serviceEnv'] as Record<string, string> | undefined) }).filter(
      ([name]) => !['RATE_LIMIT_MAX', 'LOG_LEVEL'].includes(name),
    ),
  );
  const lines = [
    `# Benchmark ${results.startedAt}${results.mode === 'smoke' ? ' (smoke)' : ''}`,
    '',
    `Machine: **${m.cores} cores** (os.availableParallelism()), ${m.cpuModel}, ${m.memoryGiB} GiB, Linux ${m.kernel}, Node ${m.node}; ` +
      `${Object.values(m.servers).join('; ')}.`,
    '',
    `Settings: ${s['connections']} connections${s['writeConnections'] !== s['connections'] ? ` (${s['writeConnections']} for create and update)` : ''}, ${s['durationS']} s measured per scenario after ${s['warmupS']} s of warm-up; ` +
      `everything through Nginx → gateway → NATS → books-service → FerretDB (SQLite), except direct-nats. ` +
      `${s['target'] === 'local' ? 'Gateway rate limiting off (RATE_LIMIT_MAX=0) and info logging off (LOG_LEVEL=warn in gateway and books-service). ' : ''}` +
      `${Object.keys(envOverrides).length ? `Extra settings: ${JSON.stringify(envOverrides)}. ` : ''}` +
      `Load generator: autocannon (HTTP) and nats.js, in the harness process ("load gen").` +
      (s['profiled'] ? ' **Profiled run** (V8 CPU profiler in the gateway and replicas while measuring: a little slower; see profiles.md).' : ''),
    '',
  ];
  for (const run of results.runs) lines.push(...runSection(run));
  lines.push(...scalingSection(results.runs));
  lines.push(...webSection(results.web));
  if (results.notes.length) lines.push('## Notes', '', ...results.notes.map((n) => `- ${n}`), '');
  lines.push(results.totalErrors === 0 ? 'Errors: none.' : `**Errors: ${results.totalErrors}** (see results.json for status codes).`, '');
  return lines.join('\n');
}

/** profiles.md: per scenario, where the gateway and each replica spent their CPU. */
export function renderProfiles(results: BenchResults): string {
  const lines = [`# CPU profiles ${results.startedAt}`, '', 'Sampled only during each measured run (V8 profiler, 0.5 ms interval); shares are of the process’s busy time. Open the .cpuprofile files in Chrome DevTools (Performance) for call trees.', ''];
  for (const run of results.runs) {
    for (const scenario of run.scenarios) {
      if (!scenario.profiles?.length) continue;
      lines.push(`## ${run.label}: ${scenario.name}`, '');
      for (const profile of scenario.profiles) {
        const perOp = scenario.operations ? ` (${(profile.busyMs / scenario.operations).toFixed(2)} ms per ${scenario.unit === 'changes' ? 'change' : 'request'} of the scenario)` : '';
        lines.push(
          `**${profile.process}**: ${profile.busyMs} ms busy${perOp}. By package: ${profile.byPackage.map((p) => `${p.name} ${p.share} %`).join(', ')}.`,
          '',
          '| function | share |',
          '|---|---:|',
          ...profile.topFunctions.map((f) => `| \`${f.name.replace(/\|/g, '\\|')}\` | ${f.share} % |`),
          '',
        );
      }
    }
  }
  return lines.join('\n');
}
