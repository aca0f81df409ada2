import { parseArgs } from 'node:util';

export const SCENARIO_NAMES = ['list', 'search', 'get', 'direct-nats', 'create', 'update', 'mixed', 'events'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export interface BenchOptions {
  smoke: boolean;
  /** books-service replica counts to run everything with, one topology each. */
  replicas: number[];
  connections: number;
  /** Connections of the pure write scenarios (create, update); default: `connections`. */
  writeConnections: number;
  durationS: number;
  warmupS: number;
  /** Changes the events scenario makes (at least). */
  eventChanges: number;
  /** Concurrent writers in the events scenario. */
  eventWriters: number;
  /** Seconds of each one-connection run of the latency split. */
  splitDurationS: number;
  scenarios: ScenarioName[];
  lighthouse: boolean;
  /** Run the write scenarios on the same topology as the reads instead of a fresh one each. */
  sharedTopology: boolean;
  /** Sample the gateway and replicas with V8's CPU profiler during each measured run. */
  profile: boolean;
  /** Extra environment of the local gateway and books-service (e.g. READ_CACHE=false). */
  gatewayEnv: Record<string, string>;
  serviceEnv: Record<string, string>;
  /** Share of requests traced in the local topology, with Jaeger started to take the spans; none: tracing off. */
  tracing?: number;
  baseUrl?: string;
  natsUrl?: string;
  /** Where results go; default artifacts/bench/<timestamp>. */
  outDir?: string;
}

export const USAGE = `Usage: npm run bench:scenarios -- [options]

  --replicas 1,3         books-service replica counts, one local topology each (default 1,3)
  --duration 15          seconds measured per scenario (default 15)
  --warmup 3             seconds of warm-up before each scenario (default 3)
  --connections 16       concurrent connections / requests in flight (default 16)
  --write-connections n  connections of create and update only (default: 4, or --connections if lower)
  --events 1000          changes in the events scenario (default 1000)
  --event-writers 4      concurrent writers in the events scenario (default 4)
  --split-duration 5     seconds of each 1-connection latency-split run (default 5)
  --scenarios a,b        only these: ${SCENARIO_NAMES.join(', ')}
  --no-lighthouse        skip Lighthouse
  --shared-topology      run the write scenarios on the reads' topology, one after the other,
                         instead of each on a fresh one (their costs then add up: see README)
  --profile              CPU-profile the gateway and each replica during every measured run
                         (inspector; .cpuprofile files and profiles.md; adds a little overhead)
  --gateway-env K=V      extra gateway setting for the local topology (repeatable), e.g.
                         --gateway-env READ_CACHE=false to measure reads without its cache
  --service-env K=V      extra books-service setting (repeatable)
  --tracing 0.01         trace this share of requests (0 to 1), with Jaeger started to take
                         the spans (default: tracing off)
  --base-url <url>       benchmark an existing deployment (its Nginx root URL) instead of
                         starting one; CPU and memory are then not measured
  --nats-url <url>       with --base-url: NATS of that deployment, for direct-nats (as the user
                         in NATS_USER/NATS_PASSWORD; a local topology uses its reader)
  --out <dir>            output folder (default artifacts/bench/<timestamp>)
  --smoke                short run: 1 replica, 2 s per scenario, 100 event changes, no
                         Lighthouse; exits non-zero on any error (same as npm run bench:smoke)
`;

export function parseOptions(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    allowNegative: true,
    options: {
      smoke: { type: 'boolean', default: false },
      replicas: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      'write-connections': { type: 'string' },
      events: { type: 'string' },
      'event-writers': { type: 'string' },
      'split-duration': { type: 'string' },
      scenarios: { type: 'string' },
      lighthouse: { type: 'boolean' },
      'shared-topology': { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      'gateway-env': { type: 'string', multiple: true, default: [] },
      'service-env': { type: 'string', multiple: true, default: [] },
      tracing: { type: 'string' },
      'base-url': { type: 'string' },
      'nats-url': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const smoke = values.smoke;
  const number = (name: string, text: string | undefined, fallback: number, min: number): number => {
    if (text === undefined) return fallback;
    // Decimal digits only: Number('') is 0 and Number('0x10') is 16.
    const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isFinite(value) || value < min) throw new Error(`--${name} must be a number of at least ${min}, not ${JSON.stringify(text)}`);
    return value;
  };
  const settings = (name: string, pairs: string[]): Record<string, string> =>
    Object.fromEntries(
      pairs.map((pair) => {
        const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(pair);
        if (!match) throw new Error(`--${name} takes NAME=value, not ${JSON.stringify(pair)}`);
        return [match[1], match[2]];
      }),
    );
  const connections = Math.floor(number('connections', values.connections, 16, 1));
  const replicas = (values.replicas ?? (smoke ? '1' : '1,3')).split(',').map((text) => number('replicas', text.trim(), 1, 1));
  const scenarios = values.scenarios
    ? values.scenarios.split(',').map((name) => {
        const trimmed = name.trim() as ScenarioName;
        if (!SCENARIO_NAMES.includes(trimmed)) throw new Error(`Unknown scenario ${JSON.stringify(name)}: use ${SCENARIO_NAMES.join(', ')}`);
        return trimmed;
      })
    : [...SCENARIO_NAMES];
  return {
    smoke,
    replicas: values['base-url'] ? [0] : replicas.map(Math.floor),
    connections,
    // Writes saturate two cores at about 4 writers; more only queue up to the 3 s deadline.
    writeConnections: Math.floor(number('write-connections', values['write-connections'], Math.min(connections, 4), 1)),
    durationS: number('duration', values.duration, smoke ? 2 : 15, 1),
    warmupS: number('warmup', values.warmup, smoke ? 1 : 3, 0),
    eventChanges: Math.floor(number('events', values.events, smoke ? 100 : 1000, 1)),
    eventWriters: Math.floor(number('event-writers', values['event-writers'], 4, 1)),
    splitDurationS: number('split-duration', values['split-duration'], smoke ? 1 : 5, 0),
    scenarios,
    lighthouse: values.lighthouse ?? !smoke,
    sharedTopology: values['shared-topology'],
    profile: values.profile && !values['base-url'],
    gatewayEnv: settings('gateway-env', values['gateway-env']),
    serviceEnv: settings('service-env', values['service-env']),
    ...(values.tracing !== undefined && { tracing: Math.min(1, number('tracing', values.tracing, 0, 0)) }),
    baseUrl: values['base-url'],
    natsUrl: values['nats-url'],
    outDir: values.out,
  };
}
