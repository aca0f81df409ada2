import { cpuSeconds, withDescendants } from './proc';

/** The kinds of process whose CPU time each scenario reports, in table order. */
export const PROCESS_KINDS = ['nginx', 'gateway', 'books-service', 'nats', 'ferretdb', 'jaeger', 'loadgen'] as const;
export type ProcessKind = (typeof PROCESS_KINDS)[number];

/**
 * The processes of each kind (several for replicas). With `children`, their descendants count
 * too (Nginx's workers); the load generator is the harness itself, whose children are the
 * servers under test, so it never counts its children.
 */
export type ProcessMap = Partial<Record<ProcessKind, { pids: () => number[]; children: boolean }>>;

/** CPU seconds per kind. */
export type CpuSeconds = Partial<Record<ProcessKind, number>>;

/** CPU seconds used so far by each kind of process, summed over its processes and their children. */
export function sampleCpu(processes: ProcessMap): CpuSeconds {
  const sample: CpuSeconds = {};
  for (const kind of PROCESS_KINDS) {
    const group = processes[kind];
    if (!group) continue;
    const roots = group.pids();
    let total = 0;
    for (const pid of group.children ? roots.flatMap(withDescendants) : roots) total += cpuSeconds(pid) ?? 0;
    sample[kind] = total;
  }
  return sample;
}

export function cpuUsedBetween(before: CpuSeconds, after: CpuSeconds): CpuSeconds {
  const used: CpuSeconds = {};
  for (const kind of PROCESS_KINDS) {
    const start = before[kind];
    const end = after[kind];
    if (start !== undefined && end !== undefined) used[kind] = round(Math.max(0, end - start), 3);
  }
  return used;
}

/** CPU seconds per 1,000 operations, per kind, plus their total. */
export function cpuPerThousand(used: CpuSeconds, operations: number): CpuSeconds & { total?: number } {
  const per: CpuSeconds & { total?: number } = {};
  if (operations <= 0) return per;
  let total = 0;
  for (const kind of PROCESS_KINDS) {
    const seconds = used[kind];
    if (seconds === undefined) continue;
    per[kind] = round((seconds * 1000) / operations, 4);
    total += seconds;
  }
  if (Object.keys(per).length > 0) per.total = round((total * 1000) / operations, 4);
  return per;
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
