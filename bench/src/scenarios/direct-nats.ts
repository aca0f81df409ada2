import { performance } from 'node:perf_hooks';
import { type NatsConnection, connect, headers } from '@nats-io/transport-node';
import { BooksSubjects, REQUEST_ID_HEADER, type ListBooksRequest, type RpcReply } from '@books/contracts';
import { LatencyRecorder } from '../measure/latency';
import { LIST_PATH } from './reads';
import { type BenchContext, type Outcome, type ScenarioDefinition, loadThroughNginx } from './scenario';

/** Exactly what the gateway sends for GET /api/books?limit=8&sort=author. */
const LIST_REQUEST: ListBooksRequest = { offset: 0, limit: 8, sort: 'author' };
const TIMEOUT_MS = 3_000;

/** One books-service request as the gateway sends it. */
interface NatsCall {
  subject: string;
  payload: unknown;
}

const LIST_CALL: NatsCall = { subject: BooksSubjects.list, payload: LIST_REQUEST };

/**
 * A request sent straight to the books-service over NATS, as the gateway does it (JSON
 * payload, request-id header, the `{data}` reply decoded), with `concurrency` requests always
 * in flight for `durationS`.
 */
export async function natsClosedLoop(nc: NatsConnection, call: NatsCall, concurrency: number, durationS: number): Promise<Outcome> {
  const latency = new LatencyRecorder();
  const payload = new TextEncoder().encode(JSON.stringify(call.payload));
  let failed = 0;
  let sequence = 0;
  const started = performance.now();
  const deadline = started + durationS * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const h = headers();
      h.set(REQUEST_ID_HEADER, `bench-${++sequence}`);
      const sent = performance.now();
      try {
        const reply = (await nc.request(call.subject, payload, { timeout: TIMEOUT_MS, headers: h })).json<RpcReply<unknown>>();
        if (!('data' in reply) || !reply.data) failed++;
      } catch {
        failed++;
      }
      latency.record(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return {
    operations: latency.count,
    durationS: Math.round(((performance.now() - started) / 1000) * 1000) / 1000,
    latency: latency.summary(),
    errors: { non2xx: 0, socket: 0, other: failed },
  };
}

async function withNats<T>(ctx: BenchContext, use: (nc: NatsConnection) => Promise<T>): Promise<T> {
  if (!ctx.target.natsUrl) throw new Error('No NATS URL');
  // NATS_URL style: one server, or every node of a cluster, comma-separated (nats.js wants an array).
  const nc = await connect({ servers: ctx.target.natsUrl.split(','), name: 'bench', ...ctx.target.natsUser });
  try {
    return await use(nc);
  } finally {
    await nc.drain();
  }
}

/** p50 latency (ms) of one request at one connection through each layer. */
export interface LatencySplit {
  nginx: number;
  gateway?: number;
  nats: number;
}

/**
 * Where the time of an unloaded request goes: the same request at one connection through
 * Nginx, straight to the gateway, and straight over NATS. The layers take turns, a second
 * each, and each reports the median of its per-round p50s, so drift (GC, JIT, a noisy
 * neighbour) does not land on one layer.
 */
async function split(ctx: BenchContext, nc: NatsConnection, path: string, call: NatsCall): Promise<LatencySplit> {
  const rounds = Math.max(1, Math.round(ctx.options.splitDurationS));
  const request = () => [{ method: 'GET' as const, path }];
  const legs: Partial<Record<keyof LatencySplit, () => Promise<number>>> = {
    nginx: async () => (await loadThroughNginx(ctx, 1, request, { connections: 1 })).latency.p50,
    nats: async () => (await natsClosedLoop(nc, call, 1, 1)).latency.p50,
  };
  const gatewayUrl = ctx.target.gatewayUrl;
  if (gatewayUrl) legs.gateway = async () => (await loadThroughNginx(ctx, 1, request, { connections: 1, origin: gatewayUrl })).latency.p50;
  const samples: Partial<Record<keyof LatencySplit, number[]>> = {};
  for (let round = 0; round < rounds; round++) {
    for (const [leg, measure] of Object.entries(legs) as [keyof LatencySplit, () => Promise<number>][]) (samples[leg] ??= []).push(await measure());
  }
  const median = (values: number[] = []) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { nginx: median(samples.nginx), gateway: samples.gateway ? median(samples.gateway) : undefined, nats: median(samples.nats) };
}

export const directNatsScenario: ScenarioDefinition = {
  name: 'direct-nats',
  description: `NATS request ${BooksSubjects.list} ${JSON.stringify(LIST_REQUEST)} from the harness straight to the books-service (no Nginx, no gateway)`,
  unit: 'requests',
  warmUp: (ctx) => withNats(ctx, async (nc) => void (await natsClosedLoop(nc, LIST_CALL, ctx.options.connections, ctx.options.warmupS))),
  measure: (ctx) => withNats(ctx, (nc) => natsClosedLoop(nc, LIST_CALL, ctx.options.connections, ctx.options.durationS)),
};

/**
 * The unloaded split for `list` (the database dominates) and for `get` of one book (a cheap
 * lookup, so the fixed cost of each hop shows). Run outside the scenarios: no CPU attribution.
 */
export async function measureLatencySplit(ctx: BenchContext): Promise<Record<'list' | 'get', LatencySplit> | undefined> {
  if (!ctx.target.natsUrl || ctx.options.splitDurationS <= 0) return undefined;
  const id = ctx.sampleIds[0];
  return withNats(ctx, async (nc) => ({
    list: await split(ctx, nc, LIST_PATH, LIST_CALL),
    get: await split(ctx, nc, `/api/books/${id}`, { subject: BooksSubjects.get, payload: { id } }),
  }));
}
