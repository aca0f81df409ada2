/**
 * The scale-out benchmark: `npm run bench:scale` (full; also run by `npm run bench`) and
 * `npm run bench:scale -- --smoke` (seconds; part of the test command, fails on any error).
 *
 * The same load on topologies of different shapes, each started fresh: 1 or 2 gateways behind
 * Nginx, a NATS of 1 node or a cluster of 3 (the event stream with as many replicas), and
 * tracing off or sampling 1 % or 100 % of requests into Jaeger. Reads run without the gateway's
 * cache, so every request crosses NATS to a books-service replica. It answers: what does a
 * second gateway, a NATS cluster or tracing cost or give on this machine? See bench/README.md.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { ARTIFACTS_DIR, WORKSPACE_ROOT } from '@books/stack';
import { CatalogueApi } from './load/catalogue';
import { machineInfo } from './machine';
import { parseOptions } from './options';
import { type BenchContext, type ScenarioResult, runScenario } from './scenarios/scenario';
import { deleteOwnedBooks, mixedScenario, updateScenario } from './scenarios/writes';
import { buildIfMissing, startLocalTarget } from './target';

/** One topology shape. */
interface Shape {
  gateways: number;
  natsNodes: number;
  /** Share of requests traced (0: tracing off, no SDK started). */
  sampleRatio: number;
}

interface Row extends Shape {
  mixed: ScenarioResult;
  update: ScenarioResult;
}

const log = (line: string) => console.log(line);

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      smoke: { type: 'boolean', default: false },
      gateways: { type: 'string' },
      'nats-nodes': { type: 'string' },
      tracing: { type: 'string' },
      replicas: { type: 'string' },
      duration: { type: 'string' },
    },
  });
  const smoke = values.smoke;
  const list = (text: string | undefined, fallback: string) => (text ?? fallback).split(',').map(Number);
  const shapes: Shape[] = [];
  for (const gateways of list(values.gateways, smoke ? '2' : '1,2'))
    for (const natsNodes of list(values['nats-nodes'], smoke ? '3' : '1,3'))
      for (const sampleRatio of list(values.tracing, smoke ? '1' : '0,0.01,1')) shapes.push({ gateways, natsNodes, sampleRatio });
  const duration = values.duration ?? (smoke ? '2' : '10');
  // The scenarios' own settings come from the main harness's parser (connections, warm-up...).
  const bench = parseOptions([...(smoke ? ['--smoke'] : []), '--duration', duration, '--gateway-env', 'READ_CACHE=false']);
  if (bench === 'help') throw new Error('unreachable');
  return { smoke, shapes, replicas: Number(values.replicas ?? (smoke ? 1 : 3)), bench };
}

const tracingLabel = (ratio: number) => (ratio === 0 ? 'off' : `${ratio * 100} %`);

async function measureShape(shape: Shape, replicas: number, bench: ReturnType<typeof parse>['bench']): Promise<Row> {
  const name = `bench-scale-g${shape.gateways}-n${shape.natsNodes}-t${shape.sampleRatio}`;
  const target = await startLocalTarget(replicas, name, { gateway: bench.gatewayEnv, service: bench.serviceEnv }, {
    gateways: shape.gateways,
    natsNodes: shape.natsNodes,
    tracing: shape.sampleRatio > 0 ? { sampleRatio: shape.sampleRatio } : undefined,
  });
  const api = new CatalogueApi(`${target.webUrl}/api`);
  const ctx: BenchContext = { options: bench, target, api, runId: randomBytes(3).toString('hex'), sampleIds: await api.allIds(), owned: [], log };
  try {
    log(`\n== ${shape.gateways} gateway(s), ${shape.natsNodes} NATS node(s), tracing ${tracingLabel(shape.sampleRatio)}, ${replicas} replica(s)`);
    const mixed = await runScenario(ctx, mixedScenario);
    const update = await runScenario(ctx, updateScenario);
    return { ...shape, mixed, update };
  } finally {
    await deleteOwnedBooks(ctx).catch(() => undefined);
    await target.stop();
  }
}

const cpuPerThousand = (result: ScenarioResult) => (result.cpuPer1k.total ?? 0).toFixed(2);

function render(rows: Row[], replicas: number, durationS: number, smoke: boolean): string {
  const machine = machineInfo();
  return [
    `# Scale-out${smoke ? ' (smoke)' : ''}`,
    '',
    `${machine.cores} cores, ${machine.cpuModel}, Node ${machine.node}; ${replicas} books-service replica(s), each shape on a fresh topology; ` +
      `${durationS} s per scenario; reads without the gateway's cache. mixed: 16 connections, 90 % reads / 10 % PUT with If-Match; update: 4 writers, PUT with If-Match. ` +
      'Other load: cores busy outside the measured processes (the higher of the two runs); above ~0.2 the row was disturbed.',
    '',
    '| gateways | NATS nodes | tracing | mixed req/s | mixed p99 ms | update req/s | update p99 ms | CPU ms / request (mixed) | other load, cores | errors |',
    '|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (row) =>
        `| ${row.gateways} | ${row.natsNodes} | ${tracingLabel(row.sampleRatio)} | ${Math.round(row.mixed.throughput)} | ${row.mixed.latency.p99.toFixed(1)} | ${Math.round(row.update.throughput)} | ${row.update.latency.p99.toFixed(1)} | ${cpuPerThousand(row.mixed)} | ${Math.max(row.mixed.otherCoresBusy ?? 0, row.update.otherCoresBusy ?? 0).toFixed(2)} | ${row.mixed.errorCount + row.update.errorCount} |`,
    ),
    '',
  ].join('\n');
}

async function main(): Promise<number> {
  const { smoke, shapes, replicas, bench } = parse(process.argv.slice(2));
  const outDir = join(ARTIFACTS_DIR, 'bench', `scale-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(outDir, { recursive: true });
  buildIfMissing(log);
  const rows: Row[] = [];
  for (const shape of shapes) rows.push(await measureShape(shape, replicas, bench));
  const summary = render(rows, replicas, bench.durationS, smoke);
  writeFileSync(join(outDir, 'results.json'), JSON.stringify({ machine: machineInfo(), replicas, rows }, null, 2));
  writeFileSync(join(outDir, 'summary.md'), summary);
  log(`\n${summary}\nResults in ${relative(WORKSPACE_ROOT, outDir)}/`);
  const errors = rows.reduce((sum, row) => sum + row.mixed.errorCount + row.update.errorCount, 0);
  if (errors > 0) log(`${errors} error(s): see above.`);
  return errors > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
