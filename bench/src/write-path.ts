/**
 * The write-path benchmark: `npm run bench:writes` (full; also run by `npm run bench`) and
 * `npm run bench:writes -- --smoke` (seconds; part of the test command, fails on any error).
 *
 * For 1 and 3 replicas, at 4 and 16 concurrent writers, it measures the same update and create
 * three ways on the same FerretDB: `direct-db` (the harness sends one command per write straight
 * to the database: what the database itself can do here), and through Nginx → gateway → NATS →
 * books-service with If-Match on updates and an Idempotency-Key on creates. It reports the
 * stack's rate as a share of direct-db, and the database commands per write (the replicas'
 * `db_command_duration_seconds_count`). Then the `history` scenario (many changes on 3
 * replicas: does the write rate or the database's idle CPU grow with history?) and `events`
 * (PUT sent → SSE message at 100 connected clients). See bench/README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Document, MongoClient } from 'mongodb';
import type { BookEvent, BookInput } from '@books/contracts';
import { ARTIFACTS_DIR, Topology, WORKSPACE_ROOT } from '@books/stack';
import { CatalogueApi, mapConcurrently } from './load/catalogue';
import { type HttpRequest, headerOf, runHttpLoad, versionFromEtag } from './load/http-load';
import { SseClient } from './load/sse-client';
import { cpuSeconds, stealSeconds, withDescendants } from './measure/proc';
import { LatencyRecorder, type LatencySummary } from './measure/latency';
import { type CpuSeconds, type ProcessMap, cpuPerThousand, cpuUsedBetween, round, sampleCpu } from './measure/cpu';
import { machineInfo } from './machine';
import { GATEWAY_ENV, SERVICE_ENV, buildIfMissing, processesOf } from './target';

interface Options {
  smoke: boolean;
  replicas: number[];
  writers: number[];
  durationS: number;
  historyChanges: number;
  historyReplicas: number;
  eventChanges: number;
  sseClients: number;
  /** Which measurements to run (`--only rates,history,events`; all by default). */
  parts: Set<string>;
}

function parse(argv: string[]): Options {
  const smoke = argv.includes('--smoke');
  const value = (flag: string) => {
    const at = argv.indexOf(flag);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const numbers = (flag: string, fallback: number[]) => value(flag)?.split(',').map(Number) ?? fallback;
  return {
    smoke,
    replicas: numbers('--replicas', smoke ? [1] : [1, 3]),
    writers: numbers('--writers', smoke ? [4] : [4, 16]),
    durationS: Number(value('--duration') ?? (smoke ? 2 : 10)),
    historyChanges: Number(value('--history') ?? (smoke ? 2_000 : 100_000)),
    historyReplicas: Number(value('--history-replicas') ?? (smoke ? 1 : 3)),
    eventChanges: Number(value('--events') ?? (smoke ? 100 : 1_000)),
    sseClients: Number(value('--sse-clients') ?? (smoke ? 10 : 100)),
    parts: new Set(value('--only')?.split(',') ?? ['rates', 'history', 'events']),
  };
}

const log = (line: string) => console.log(line);
const AUTHOR = 'Bench Writer';
const bodyOf = (tag: string, n: number): BookInput => ({ title: `Bench ${tag} ${n}`, author: AUTHOR, year: 1950 + (n % 70), score: n % 11, read: n % 2 === 0 });

interface RateResult {
  writes: number;
  perSecond: number;
  errors: number;
  latency?: LatencySummary;
  statusCodes?: Record<string, number>;
  dbCommandsPerWrite?: number;
  /** CPU milliseconds per write, by kind of process, and their total. */
  cpuMsPerWrite?: CpuSeconds & { total?: number };
  /** Cores the hypervisor took meanwhile (steal time): high means a disturbed run. */
  stealCores?: number;
}

/** Runs a measurement and adds the CPU each kind of process spent per write, and the steal time meanwhile. */
async function measured(processes: ProcessMap, run: () => Promise<RateResult>): Promise<RateResult> {
  const before = sampleCpu(processes);
  const stealBefore = stealSeconds();
  const started = performance.now();
  const result = await run();
  const seconds = (performance.now() - started) / 1000;
  const stealAfter = stealSeconds();
  return {
    ...result,
    cpuMsPerWrite: cpuPerThousand(cpuUsedBetween(before, sampleCpu(processes)), result.writes),
    stealCores: stealBefore !== undefined && stealAfter !== undefined ? round((stealAfter - stealBefore) / seconds, 2) : undefined,
  };
}

/** Starts the topology a measurement runs on: a fresh database every time. */
async function topology(name: string, replicas: number): Promise<Topology> {
  return Topology.start({ name, replicas, webPort: 0, gatewayEnv: GATEWAY_ENV, serviceEnv: SERVICE_ENV });
}

/** Database commands the replicas have sent so far (all commands, all outcomes). */
async function dbCommands(stack: Topology): Promise<number> {
  let total = 0;
  for (const service of stack.services) {
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    for (const match of metrics.matchAll(/^db_command_duration_seconds_count\{[^}]*\} (\d+)/gm)) total += Number(match[1]);
  }
  return total;
}

/** `writers` loops that each run `write` back to back for `seconds`. */
async function closedLoop(writers: number, seconds: number, write: (writer: number, n: number) => Promise<void>): Promise<RateResult> {
  let writes = 0;
  let errors = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      for (let n = 0; performance.now() < end; n++) {
        try {
          await write(writer, n);
          writes++;
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return { writes, perSecond: round(writes / elapsed, 1), errors };
}

/**
 * The baseline: the same writes straight to the same collection (`books`, with its indexes),
 * one command each, from the harness. No events, no checks: what the database itself can do.
 * The documents it adds are removed afterwards.
 */
async function directDb(stack: Topology, writers: number, seconds: number) {
  const { ferretdb, loadgen } = processesOf(stack);
  const processes = { ferretdb, loadgen };
  const client = new MongoClient(stack.mongoUrl, { maxPoolSize: writers });
  try {
    const books = client.db().collection<Document & { _id: string }>("books");
    const docOf = (id: string, body: BookInput, now: Date) => ({ _id: id, ...body, version: 1, createdAt: now, updatedAt: now, titleKey: body.title.toLowerCase(), authorKey: body.author.toLowerCase() });
    const ids = Array.from({ length: writers }, (_, w) => `direct-${w}`);
    await books.insertMany(ids.map((id, w) => docOf(id, bodyOf('direct', w), new Date())));
    const update = await measured(processes, () => closedLoop(writers, seconds, (w: number, n: number) => {
      const body = bodyOf('direct', n);
      return books
        .updateOne({ _id: ids[w] }, { $set: { ...body, titleKey: body.title.toLowerCase(), authorKey: body.author.toLowerCase(), updatedAt: new Date() }, $inc: { version: 1 } })
        .then(() => undefined);
    }));
    const created: string[] = [];
    const create = await measured(processes, () => closedLoop(writers, seconds, () => {
      const id = `direct-new-${created.length}`;
      created.push(id);
      return books.insertOne(docOf(id, bodyOf('direct-new', created.length), new Date())).then(() => undefined);
    }));
    await mapConcurrently([...ids, ...created], 4, (id) => books.deleteOne({ _id: id }));
    return { update, create };
  } finally {
    await client.close();
  }
}

/**
 * PUT with If-Match, each connection on its own book, its version tracked from each ETag.
 * `unchanged`: the floor. Each PUT sends the book as it is, so it crosses Nginx, the gateway,
 * NATS and a replica like any write (validation, the committer, the reply) but changes
 * nothing: no database command, no event. What the path costs before the database and the
 * event stream add theirs.
 */
async function stackUpdate(stack: Topology, writers: number, seconds: number, unchanged = false): Promise<RateResult> {
  const api = new CatalogueApi(`${stack.web!.url}/api`);
  const tag = unchanged ? 'floor' : 'owned';
  const books = await mapConcurrently(Array.from({ length: writers }, (_, w) => w), 4, (w) => api.create(bodyOf(tag, w), `bench-${tag}-${writers}-${w}-${Date.now()}`));
  const before = await dbCommands(stack);
  return measured(processesOf(stack), async () => {
    const result = await runHttpLoad({
      origin: stack.web!.url,
      connections: writers,
      durationS: seconds,
      requestsFor: (connection) => {
        const book = books[connection];
        let version = book.version;
        let n = 0;
        // When a response may have been lost (autocannon recycles connections), re-read the version.
        let stale = false;
        let awaiting: 'put' | 'get' | undefined;
        const request: HttpRequest = {
          method: 'PUT',
          setupRequest: (req) => {
            if (awaiting) stale = true;
            awaiting = stale ? 'get' : 'put';
            return stale
              ? { ...req, method: 'GET', path: `/api/books/${book.id}`, headers: {}, body: undefined }
              : {
                  ...req,
                  method: 'PUT',
                  path: `/api/books/${book.id}`,
                  headers: { 'content-type': 'application/json', 'if-match': `"${version}"` },
                  body: JSON.stringify(unchanged ? bodyOf(tag, connection) : bodyOf(`${tag} ${connection}`, ++n)),
                };
          },
          onResponse: (status, _body, _context, headers) => {
            const seen = versionFromEtag(headerOf(headers, 'etag'));
            if (status === 200 && seen !== undefined) {
              version = seen;
              stale = false;
            } else if (awaiting === 'put') {
              stale = true;
            }
            awaiting = undefined;
          },
        };
        return [request];
      },
    });
    return finishHttp(stack, result, before);
  });
}

/** POST with a new body and Idempotency-Key each time. */
async function stackCreate(stack: Topology, writers: number, seconds: number): Promise<RateResult> {
  const before = await dbCommands(stack);
  const run = Date.now();
  return measured(processesOf(stack), async () => {
    const result = await runHttpLoad({
      origin: stack.web!.url,
      connections: writers,
      durationS: seconds,
      requestsFor: (connection) => {
        let n = 0;
        return [
          {
            method: 'POST',
            setupRequest: (req) => {
              n++;
              return {
                ...req,
                method: 'POST',
                path: '/api/books',
                headers: { 'content-type': 'application/json', 'idempotency-key': `bench-${run}-${connection}-${n}` },
                body: JSON.stringify(bodyOf(`new ${connection}`, n)),
              };
            },
          },
        ];
      },
    });
    return finishHttp(stack, result, before);
  });
}

async function finishHttp(stack: Topology, result: Awaited<ReturnType<typeof runHttpLoad>>, commandsBefore: number): Promise<RateResult> {
  await sleep(500); // requests cut off when autocannon stopped still finish
  const ok = Object.entries(result.statusCodes).reduce((sum, [status, count]) => sum + (status.startsWith('2') ? count : 0), 0);
  const commands = (await dbCommands(stack)) - commandsBefore;
  return {
    writes: ok,
    perSecond: round(ok / result.durationS, 1),
    errors: result.non2xx + result.socketErrors,
    latency: result.latency,
    statusCodes: result.statusCodes,
    dbCommandsPerWrite: ok > 0 ? round(commands / ok, 2) : undefined,
  };
}

/** Cores used by FerretDB per second over `seconds` of no load. */
async function idleCpu(stack: Topology, seconds: number): Promise<number> {
  const pids = () => withDescendants(stack.mongo!.process.pid as number);
  const sum = () => pids().reduce((total, pid) => total + (cpuSeconds(pid) ?? 0), 0);
  const before = sum();
  await sleep(seconds * 1000);
  return round((sum() - before) / seconds, 3);
}

/**
 * Writes `changes` updates (16 writers, unconditional PUT on their own books) and records the
 * rate second by second: the last stretch against the first shows whether a write costs more
 * as history grows. FerretDB's idle CPU before and after shows whether anything keeps reading it.
 */
async function history(options: Options) {
  const stack = await topology(`bench-writes-history`, options.historyReplicas);
  try {
    const api = new CatalogueApi(`${stack.web!.url}/api`);
    const writers = 16;
    const books = await mapConcurrently(Array.from({ length: writers }, (_, w) => w), 4, (w) => api.create(bodyOf('history', w), `history-${w}-${Date.now()}`));
    await sleep(2_000);
    const idleBefore = await idleCpu(stack, options.smoke ? 2 : 5);
    const perSecond: number[] = [];
    let done = 0;
    let errors = 0;
    let second = 0;
    const started = performance.now();
    const ticker = setInterval(() => {
      perSecond.push(done - second);
      second = done;
    }, 1_000);
    let issued = 0;
    await Promise.all(
      books.map(async (book, w) => {
        while (issued < options.historyChanges) {
          issued++;
          const response = await fetch(`${stack.web!.url}/api/books/${book.id}`, {
            method: 'PUT',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(bodyOf(`history ${w}`, issued)),
          });
          await response.body?.cancel();
          if (response.status === 200) done++;
          else errors++;
        }
      }),
    );
    clearInterval(ticker);
    const seconds = (performance.now() - started) / 1000;
    const window = Math.max(1, Math.min(10, Math.floor(perSecond.length / 3)));
    const first = perSecond.slice(0, window);
    const last = perSecond.slice(-window);
    const mean = (values: number[]) => round(values.reduce((a, b) => a + b, 0) / Math.max(1, values.length), 1);
    await sleep(2_000);
    const idleAfter = await idleCpu(stack, options.smoke ? 2 : 5);
    return {
      replicas: options.historyReplicas,
      changes: done,
      errors,
      seconds: round(seconds, 1),
      perSecond: round(done / seconds, 1),
      windowS: window,
      firstRate: mean(first),
      lastRate: mean(last),
      lastToFirst: round(mean(last) / Math.max(1, mean(first)), 2),
      idleCpuBefore: idleBefore,
      idleCpuAfter: idleAfter,
    };
  } finally {
    await stack.stop();
  }
}

/** PUT sent → its SSE message, at `sseClients` connected browsers, 4 writers. */
async function events(options: Options) {
  const stack = await topology('bench-writes-events', 3);
  const clients: SseClient[] = [];
  try {
    const api = new CatalogueApi(`${stack.web!.url}/api`);
    const books = await mapConcurrently(Array.from({ length: 4 }, (_, w) => w), 4, (w) => api.create(bodyOf('events', w), `events-${w}-${Date.now()}`));
    const sentAt = new Map<string, number>();
    const latency = new LatencyRecorder();
    const seen = new Map<string, number>();
    for (let c = 0; c < options.sseClients; c++) {
      clients.push(
        await SseClient.connect(`${stack.web!.url}/api/books/events`, (message) => {
          let event: BookEvent;
          try {
            event = JSON.parse(message.data) as BookEvent;
          } catch {
            return;
          }
          const key = `${event.bookId}:${event.version}`;
          const sent = sentAt.get(key);
          if (sent === undefined) return;
          latency.record(message.receivedAt - sent);
          seen.set(key, (seen.get(key) ?? 0) + 1);
        }, `127.0.0.${2 + (c % 250)}`), // each browser from its own address, as Nginx sees them
      );
    }
    let issued = 0;
    let failed = 0;
    const cpuBefore = sampleCpu(processesOf(stack));
    await Promise.all(
      books.map(async (book, w) => {
        let version = book.version;
        while (issued < options.eventChanges) {
          issued++;
          sentAt.set(`${book.id}:${version + 1}`, performance.now());
          const response = await fetch(`${stack.web!.url}/api/books/${book.id}`, {
            method: 'PUT',
            headers: { 'content-type': 'application/json', 'if-match': `"${version}"` },
            body: JSON.stringify(bodyOf(`events ${w}`, issued)),
          });
          await response.body?.cancel();
          if (response.status === 200) version++;
          else failed++;
        }
      }),
    );
    const expected = (issued - failed) * options.sseClients;
    const deadline = Date.now() + 10_000;
    while ([...seen.values()].reduce((a, b) => a + b, 0) < expected && Date.now() < deadline) await sleep(50);
    const delivered = [...seen.values()].reduce((a, b) => a + b, 0);
    const cpuMsPerChange = cpuPerThousand(cpuUsedBetween(cpuBefore, sampleCpu(processesOf(stack))), issued - failed);
    return { changes: issued - failed, failedPuts: failed, sseClients: options.sseClients, delivered, missing: expected - delivered, latency: latency.summary(), cpuMsPerChange };
  } finally {
    for (const client of clients) client.close();
    await stack.stop();
  }
}

async function main(): Promise<number> {
  const options = parse(process.argv.slice(2));
  const machine = machineInfo();
  const outDir = join(ARTIFACTS_DIR, 'bench', `writes-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(outDir, { recursive: true });
  log(`Write-path benchmark${options.smoke ? ' (smoke)' : ''}: ${machine.cores} cores, ${machine.cpuModel}, Node ${machine.node}`);
  buildIfMissing(log);

  const rows: string[] = [];
  const cpuRows: string[] = [];
  const budgetRows: string[] = [];
  const rates: Record<string, unknown>[] = [];
  let errors = 0;
  for (const replicas of options.parts.has('rates') ? options.replicas : []) {
    for (const writers of options.writers) {
      // A fresh topology (and database) per measurement: nothing depends on the runs before it.
      const stack = await topology(`bench-writes-${replicas}-${writers}`, replicas);
      try {
        log(`\n== ${replicas} replica(s), ${writers} writers`);
        const direct = await directDb(stack, writers, options.durationS);
        log(`  direct-db   update ${direct.update.perSecond}/s, create ${direct.create.perSecond}/s`);
        const update = await stackUpdate(stack, writers, options.durationS);
        log(`  stack       update ${update.perSecond}/s (p99 ${update.latency?.p99} ms, ${update.dbCommandsPerWrite} db commands/write, errors ${update.errors})`);
        const create = await stackCreate(stack, writers, options.durationS);
        log(`  stack       create ${create.perSecond}/s (p99 ${create.latency?.p99} ms, ${create.dbCommandsPerWrite} db commands/write, errors ${create.errors})`);
        const floor = await stackUpdate(stack, writers, options.durationS, true);
        log(`  stack       floor  ${floor.perSecond}/s (PUT that changes nothing; ${floor.dbCommandsPerWrite} db commands/write, errors ${floor.errors})`);
        errors += update.errors + create.errors + floor.errors + direct.update.errors + direct.create.errors;
        const share = (a: number, b: number) => `${Math.round((100 * a) / Math.max(1, b))} %`;
        const row = (write: string, stackRate: RateResult, directRate: RateResult) =>
          `| ${replicas} | ${writers} | ${write} | ${directRate.perSecond} | ${stackRate.perSecond} | ${share(stackRate.perSecond, directRate.perSecond)} | ${stackRate.latency?.p99} | ${stackRate.dbCommandsPerWrite} | ${stackRate.stealCores} | ${stackRate.errors} |`;
        rows.push(row('update', update, direct.update), row('create', create, direct.create), row('floor (no change)', floor, direct.update));
        const cpu = (how: string, write: string, rate: RateResult) => {
          const ms = (kind: keyof NonNullable<RateResult['cpuMsPerWrite']>) => (rate.cpuMsPerWrite?.[kind] === undefined ? '' : String(round(rate.cpuMsPerWrite[kind], 2)));
          return `| ${replicas} | ${writers} | ${how} | ${write} | ${ms('nginx')} | ${ms('gateway')} | ${ms('books-service')} | ${ms('nats')} | ${ms('ferretdb')} | ${ms('loadgen')} | ${ms('total')} |`;
        };
        cpuRows.push(
          cpu('direct-db', 'update', direct.update),
          cpu('direct-db', 'create', direct.create),
          cpu('stack', 'update', update),
          cpu('stack', 'create', create),
          cpu('stack', 'floor (no change)', floor),
        );
        // What 60 % of direct-db leaves each write on this machine's cores, against what the floor alone costs.
        const budget = (directRate: RateResult) => round((machine.cores * 1000) / (0.6 * Math.max(1, directRate.perSecond)), 2);
        budgetRows.push(
          `| ${replicas} | ${writers} | ${budget(direct.update)} | ${budget(direct.create)} | ${round(floor.cpuMsPerWrite?.total ?? 0, 2)} | ${round(update.cpuMsPerWrite?.total ?? 0, 2)} | ${round(create.cpuMsPerWrite?.total ?? 0, 2)} |`,
        );
        rates.push({ replicas, writers, direct, update, create, floor });
      } finally {
        await stack.stop();
      }
    }
  }

  let historyResult: Awaited<ReturnType<typeof history>> | undefined;
  if (options.parts.has('history')) {
    log(`\n== history: ${options.historyChanges} changes, ${options.historyReplicas} replica(s), 16 writers`);
    historyResult = await history(options);
    log(`  ${JSON.stringify(historyResult)}`);
    errors += historyResult.errors;
  }

  let eventsResult: Awaited<ReturnType<typeof events>> | undefined;
  if (options.parts.has('events')) {
    log(`\n== events: ${options.eventChanges} changes by 4 writers, ${options.sseClients} SSE clients, 3 replicas`);
    eventsResult = await events(options);
    log(`  ${JSON.stringify(eventsResult)}`);
    errors += eventsResult.failedPuts + eventsResult.missing;
  }

  const summary = [
    `# Write path${options.smoke ? ' (smoke)' : ''}`,
    '',
    `${machine.cores} cores, ${machine.cpuModel}, Node ${machine.node}; ${options.durationS} s per measurement, each on a fresh topology and database.`,
    '',
    '| replicas | writers | write | direct-db /s | stack /s | stack ÷ direct | stack p99 ms | db commands / write | steal, cores | errors |',
    '|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    '',
    'Floor: a PUT that changes nothing (no database command, no event), against direct-db updates. Steal: cores the hypervisor took meanwhile.',
    '',
    'CPU milliseconds per write, by process:',
    '',
    '| replicas | writers | path | write | Nginx | gateway | books-service | NATS | FerretDB | load gen | total |',
    '|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|',
    ...cpuRows,
    '',
    `CPU budget: at 60 % of direct-db's rate, all ${machine.cores} cores busy, a write may cost this many CPU ms in all processes; the floor is what a request costs before any database or event work:`,
    '',
    '| replicas | writers | budget, update | budget, create | floor | stack update | stack create |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...budgetRows,
    '',
    ...(historyResult
      ? [
          `History (${historyResult.replicas} replica(s), 16 unconditional writers): ${historyResult.changes} changes in ${historyResult.seconds} s (${historyResult.perSecond}/s); ` +
            `first ${historyResult.windowS} s ${historyResult.firstRate}/s, last ${historyResult.windowS} s ${historyResult.lastRate}/s (×${historyResult.lastToFirst}); ` +
            `FerretDB idle CPU ${historyResult.idleCpuBefore} cores before, ${historyResult.idleCpuAfter} after; ${historyResult.errors} errors.`,
          '',
        ]
      : []),
    ...(eventsResult
      ? [
          `Events (3 replicas, 4 writers with If-Match, ${eventsResult.sseClients} SSE clients through Nginx): ${eventsResult.changes} changes, ` +
            `PUT sent → SSE message p50 ${eventsResult.latency.p50} ms, p90 ${eventsResult.latency.p90} ms, p99 ${eventsResult.latency.p99} ms, max ${eventsResult.latency.max} ms; ` +
            `${eventsResult.delivered} messages delivered, ${eventsResult.missing} missing; ` +
            `CPU ms per change: gateway ${round(eventsResult.cpuMsPerChange.gateway ?? 0, 2)}, Nginx ${round(eventsResult.cpuMsPerChange.nginx ?? 0, 2)}, ` +
            `load gen (the SSE clients) ${round(eventsResult.cpuMsPerChange.loadgen ?? 0, 2)}, all ${round(eventsResult.cpuMsPerChange.total ?? 0, 2)}.`,
          '',
        ]
      : []),
  ].join('\n');
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify({ machine, options: { ...options, parts: [...options.parts] }, rates, history: historyResult, events: eventsResult, errors }, null, 2)}\n`);
  writeFileSync(join(outDir, 'summary.md'), summary);
  log(`\n${summary}`);
  log(`Written: ${relative(WORKSPACE_ROOT, outDir)}/results.json, summary.md`);
  if (errors > 0) {
    console.error(`FAILED: ${errors} error(s): every write must succeed and every event arrive.`);
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
