import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Topology, type TopologyOptions, WORKSPACE_ROOT } from '@books/stack';
import { setTimeout as sleep } from 'node:timers/promises';
import { type CpuSeconds, type ProcessKind, type ProcessMap, cpuUsedBetween, round, sampleCpu } from './measure/cpu';
import { rssBytes } from './measure/proc';

/** What the scenarios run against: a local topology the harness started, or an existing deployment. */
export interface Target {
  /** `1 replica`, `3 replicas`, or `external`. */
  label: string;
  replicas?: number;
  /** Nginx in front of everything: http://127.0.0.1:<port>. */
  webUrl: string;
  /** The gateway itself, without Nginx (local topology only). */
  gatewayUrl?: string;
  /** NATS, for the direct-nats scenario. */
  natsUrl?: string;
  /** The user and password for it, when NATS requires them (the local topology's reader). */
  natsUser?: { user: string; pass: string };
  /** The database with its name, for collection sizes (local topology only). */
  mongoUrl?: string;
  /** Processes to measure (local topology only). */
  processes?: ProcessMap;
  /** Gateway and replica processes whose memory is reported. */
  memoryProcesses?: { name: string; pid: number }[];
  /** Their log files (where an inspected app prints its debugger URL). */
  appLogs?: { process: string; logFile: string }[];
  logDir?: string;
  stop(): Promise<void>;
}

/** Settings the benchmark runs the local apps with, printed with the results. */
export const GATEWAY_ENV = { RATE_LIMIT_MAX: '0', LOG_LEVEL: 'warn' };
export const SERVICE_ENV = { LOG_LEVEL: 'warn' };

/** This process: autocannon, nats.js and the SSE client all run in it. */
const LOAD_GENERATOR = { pids: () => [process.pid], children: false };

const BUILD_OUTPUTS = [
  join(WORKSPACE_ROOT, 'dist', 'apps', 'gateway', 'main.js'),
  join(WORKSPACE_ROOT, 'dist', 'apps', 'books-service', 'main.js'),
  join(WORKSPACE_ROOT, 'dist', 'apps', 'web', 'browser', 'index.html'),
];

/** Builds the three apps when any production build is missing (Nx's cache makes it quick otherwise). */
export function buildIfMissing(log: (line: string) => void): void {
  const missing = BUILD_OUTPUTS.filter((file) => !existsSync(file));
  if (missing.length === 0) return;
  log(`Missing ${missing.map((file) => file.slice(WORKSPACE_ROOT.length + 1)).join(', ')}: building (nx run-many -t build)...`);
  execFileSync('nx', ['run-many', '-t', 'build', '-p', 'gateway', 'books-service', 'web', '--output-style=static'], {
    cwd: WORKSPACE_ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/** The local topology with Nginx on a free port; `name` names its log folder (artifacts/logs/<name>). */
export async function startLocalTarget(
  replicas: number,
  name = `bench-${replicas}`,
  env: { gateway?: Record<string, string>; service?: Record<string, string> } = {},
  shape: Pick<TopologyOptions, 'gateways' | 'natsNodes' | 'tracing'> = {},
): Promise<Target> {
  const topology = await Topology.start({
    name,
    replicas,
    webPort: 0,
    gatewayEnv: { ...GATEWAY_ENV, ...env.gateway },
    serviceEnv: { ...SERVICE_ENV, ...env.service },
    ...shape,
  });
  const web = topology.web;
  if (!web) throw new Error('The topology started without Nginx');
  return {
    label: `${replicas} replica${replicas === 1 ? '' : 's'}`,
    replicas,
    webUrl: web.url,
    gatewayUrl: topology.gateway.url,
    natsUrl: topology.natsUrl,
    natsUser: natsUserOf(topology.natsOptions('reader')),
    mongoUrl: topology.mongoUrl,
    processes: processesOf(topology),
    memoryProcesses: [...topology.gateways, ...topology.services]
      .filter((app) => app.process.pid !== undefined)
      .map((app) => ({ name: app.process.name, pid: app.process.pid as number })),
    appLogs: [topology.gateway, ...topology.services].map((app) => ({ process: app.process.name, logFile: app.process.spec.logFile })),
    logDir: topology.logDir,
    stop: () => topology.stop(),
  };
}

/** The topology's processes by kind (each with its children: Nginx's workers), and this harness as the load generator. */
export function processesOf(topology: Topology): ProcessMap {
  const pidsOf = (...processes: { pid: number | undefined }[]) => ({
    pids: () => processes.map((process) => process.pid).filter((pid): pid is number => pid !== undefined),
    children: true,
  });
  return {
    nginx: topology.web ? pidsOf(topology.web.process) : undefined,
    gateway: pidsOf(...topology.gateways.map((gateway) => gateway.process)),
    'books-service': pidsOf(...topology.services.map((service) => service.process)),
    nats: topology.natsNodes.length > 0 ? pidsOf(...topology.natsNodes.map((node) => node.process)) : undefined,
    ferretdb: topology.mongo ? pidsOf(topology.mongo.process) : undefined,
    jaeger: topology.jaeger ? pidsOf(topology.jaeger.process) : undefined,
    loadgen: LOAD_GENERATOR,
  };
}

/** An existing deployment: only the load generator's own CPU can be measured. */
export function externalTarget(baseUrl: string, natsUrl: string | undefined): Target {
  const webUrl = baseUrl.replace(/\/+$/, '').replace(/\/api$/, '');
  return {
    label: 'external',
    webUrl,
    natsUrl,
    natsUser: natsUserOf({ user: process.env['NATS_USER'], pass: process.env['NATS_PASSWORD'] }),
    processes: { loadgen: LOAD_GENERATOR },
    stop: async () => undefined,
  };
}

/** An idle period: memory at its start and the CPU each kind of process used per second in it. */
export interface IdleSample {
  memoryMiB: Record<string, number>;
  cpuPerSecond: CpuSeconds;
}

/** Waits for in-flight work to settle, reads memory, then measures CPU with no load for `seconds`. */
export async function idleSample(target: Target, seconds: number): Promise<IdleSample> {
  await sleep(Math.min(2, seconds) * 1000);
  const memoryMiB = memoryOf(target);
  const processes = target.processes ?? {};
  const before = sampleCpu(processes);
  await sleep(seconds * 1000);
  const used = cpuUsedBetween(before, sampleCpu(processes));
  const cpuPerSecond: CpuSeconds = {};
  for (const [kind, value] of Object.entries(used) as [ProcessKind, number][]) cpuPerSecond[kind] = round(value / seconds, 3);
  return { memoryMiB, cpuPerSecond };
}

/** Resident memory of the gateway and each replica, in MiB. */
export function memoryOf(target: Target): Record<string, number> {
  const memory: Record<string, number> = {};
  for (const { name, pid } of target.memoryProcesses ?? []) {
    const bytes = rssBytes(pid);
    if (bytes !== undefined) memory[name] = Math.round((bytes / 2 ** 20) * 10) / 10;
  }
  return memory;
}

function natsUserOf({ user, pass }: { user?: string; pass?: string }): Target['natsUser'] {
  return user && pass ? { user, pass } : undefined;
}
