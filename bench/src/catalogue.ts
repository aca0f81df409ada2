/**
 * The large-catalogue benchmark: `npm run bench:catalogue` (100,000 books; also run by
 * `npm run bench`) and `npm run bench:catalogue -- --smoke` (2,000 books, seconds; part of the
 * test command, fails on any error).
 *
 * On the default topology (3 replicas, two gateways behind Nginx) with the gateway cache OFF,
 * it imports a generated catalogue (bench/src/data), imports it again (nothing may change),
 * exports it, restarts a replica (start-up with the whole catalogue), then runs 16 connections
 * of: list pages for every sort key and direction, the page at offset N/2, the same depth by
 * cursor, searches of one and two words, and a 90 % read / 10 % write mix. See bench/README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { type ImportReport, SORT_KEYS } from '@books/contracts';
import { ARTIFACTS_DIR, Topology, WORKSPACE_ROOT } from '@books/stack';
import { encodeBooks } from './data/book-files';
import { generateBooks } from './data/generate-books';
import { type HttpRequest, runHttpLoad } from './load/http-load';
import { machineInfo } from './machine';
import { rssBytes } from './measure/proc';
import { GATEWAY_ENV, SERVICE_ENV, buildIfMissing } from './target';

const argv = process.argv.slice(2);
const smoke = argv.includes('--smoke');
const flag = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const COUNT = Number(flag('--books') ?? (smoke ? 2_000 : 100_000));
const DURATION_S = Number(flag('--duration') ?? (smoke ? 2 : 10));
const CONNECTIONS = 16;
const log = (line: string) => console.log(line);

interface Row {
  scenario: string;
  rate: number;
  p50: number;
  p99: number;
  errors: number;
}

async function main(): Promise<void> {
  buildIfMissing(log);
  log(`Catalogue benchmark: ${COUNT.toLocaleString('en')} books, ${CONNECTIONS} connections, ${DURATION_S} s per scenario${smoke ? ' (smoke)' : ''}`);
  const topology = await Topology.start({
    name: 'bench-catalogue',
    replicas: 3,
    gateways: 2,
    webPort: 0,
    gatewayEnv: { ...GATEWAY_ENV, READ_CACHE: 'false' },
    serviceEnv: { ...SERVICE_ENV, SEED_BOOKS: 'false' },
  });
  const failures: string[] = [];
  try {
    const origin = `http://127.0.0.1:${topology.web!.port}`;
    const api = (path: string, init?: RequestInit) => fetch(`${origin}/api${path}`, init);
    const processes = () => [...topology.services, ...topology.gateways].map((app) => ({ name: app.process.name, pid: app.process.pid }));
    const rss = () => Object.fromEntries(processes().map(({ name, pid }) => [name, pid ? Math.round((rssBytes(pid) ?? 0) / 2 ** 20) : 0]));

    // --- import, re-import, export -----------------------------------------------------
    const importOnce = async () => {
      const body = Readable.toWeb(Readable.from(encodeBooks(generateBooks({ count: COUNT, seed: 1 }), 'ndjson'))) as ReadableStream;
      const started = performance.now();
      const response = await api('/books/import', { method: 'POST', body, duplex: 'half', headers: { 'content-type': 'application/x-ndjson' } } as RequestInit);
      const text = await response.text();
      if (!response.ok) throw new Error(`import answered ${response.status}: ${text.slice(0, 300)}`);
      const report = JSON.parse(text) as ImportReport;
      return { seconds: (performance.now() - started) / 1000, status: response.status, report };
    };
    const first = await importOnce();
    log(`import: ${first.seconds.toFixed(1)} s, ${JSON.stringify({ ...first.report, rejections: undefined })}`);
    if (first.status !== 200 || first.report.rejected !== 0) failures.push(`import answered ${first.status}, ${first.report.rejected} rejected`);
    const total = (await (await api('/books?limit=1')).json()).total as number;
    const again = await importOnce();
    log(`re-import: ${again.seconds.toFixed(1)} s, ${JSON.stringify({ ...again.report, rejections: undefined })}`);
    if (again.report.created + again.report.updated !== 0) failures.push('the re-import changed books');

    let started = performance.now();
    const exported = await (await api('/books/export?format=ndjson')).text();
    const exportSeconds = (performance.now() - started) / 1000;
    const exportedBooks = exported.trim().split('\n').length;
    log(`export: ${exportSeconds.toFixed(1)} s, ${exportedBooks} books, ${(exported.length / 1e6).toFixed(1)} MB`);
    if (exportedBooks !== total) failures.push(`export gave ${exportedBooks} books of ${total}`);

    const atRest = rss();
    const replica = topology.services[0].process;
    await replica.stop();
    started = performance.now();
    await replica.start();
    const startupSeconds = (performance.now() - started) / 1000;
    log(`replica start-up with ${total} books: ${startupSeconds.toFixed(1)} s (until ready)`);

    // --- read and mixed load ---------------------------------------------------------------
    const deep = Math.floor(total / 2);
    const cursorAtDepth = (await (await api(`/books?limit=20&offset=${deep - 20}&sort=title`)).json()).nextCursor as string;
    const ids = ((await (await api('/books?limit=100&sort=createdAt')).json()).items as { id: string }[]).map((book) => book.id);
    const get = (path: string): HttpRequest => ({ method: 'GET', path: `/api${path}` });
    const words = ['road', 'ash', 'nord', 'ödland', 'garden', 'winter', 'émile', 'o’brien'];
    const scenarios: { scenario: string; requestsFor: (connection: number) => HttpRequest[] }[] = [
      { scenario: 'list, first page, every sort', requestsFor: () => SORT_KEYS.map((sort) => get(`/books?limit=20&sort=${sort}`)) },
      { scenario: `list, offset ${deep}, every sort`, requestsFor: () => SORT_KEYS.map((sort) => get(`/books?limit=20&offset=${deep}&sort=${sort}`)) },
      { scenario: `list, cursor at ${deep}`, requestsFor: () => [get(`/books?limit=20&sort=title&cursor=${cursorAtDepth}`)] },
      { scenario: 'search, one word', requestsFor: (c) => [get(`/books?limit=20&q=${encodeURIComponent(words[c % words.length])}`)] },
      {
        scenario: 'search, two words',
        requestsFor: (c) => [get(`/books?limit=20&q=${encodeURIComponent(`${words[c % words.length]} ${words[(c + 3) % words.length]}`)}`)],
      },
      {
        scenario: 'mixed 90 % reads / 10 % writes',
        requestsFor: (c) => [
          ...SORT_KEYS.slice(0, 9).map((sort) => get(`/books?limit=20&sort=${sort}&offset=${(c * 997) % deep}`)),
          { method: 'PATCH', path: `/api/books/${ids[c % ids.length]}`, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ read: c % 2 === 0 }) },
        ],
      },
    ];
    const rows: Row[] = [];
    for (const { scenario, requestsFor } of scenarios) {
      const result = await runHttpLoad({ origin, connections: CONNECTIONS, durationS: DURATION_S, requestsFor });
      const errors = result.non2xx + result.socketErrors;
      rows.push({ scenario, rate: Math.round(result.responses / result.durationS), p50: result.latency.p50, p99: result.latency.p99, errors });
      log(`${scenario}: ${rows.at(-1)!.rate}/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ${errors} errors ${JSON.stringify(result.statusCodes)}`);
      if (errors > 0) failures.push(`${scenario}: ${errors} errors`);
    }
    const afterLoad = rss();

    const report = [
      `## Catalogue of ${total.toLocaleString('en')} books (${new Date().toISOString().slice(0, 10)}${smoke ? ', smoke' : ''})`,
      '',
      (({ cores, cpuModel, memoryGiB, node }) => `${cores} cores (${cpuModel}), ${memoryGiB} GiB, Node ${node}.`)(machineInfo()),
      '',
      `3 replicas, 2 gateways behind Nginx, gateway cache off, ${CONNECTIONS} connections, ${DURATION_S} s each.`,
      '',
      '| scenario | requests/s | p50 ms | p99 ms | errors |',
      '|---|---:|---:|---:|---:|',
      ...rows.map((row) => `| ${row.scenario} | ${row.rate.toLocaleString('en')} | ${row.p50} | ${row.p99} | ${row.errors} |`),
      '',
      `- import of ${COUNT.toLocaleString('en')} books (NDJSON): ${first.seconds.toFixed(1)} s; the same file again: ${again.seconds.toFixed(1)} s, ${again.report.unchanged} unchanged, nothing written`,
      `- export (NDJSON): ${exportSeconds.toFixed(1)} s for ${exportedBooks.toLocaleString('en')} books`,
      `- a replica's start-up with the whole catalogue: ${startupSeconds.toFixed(1)} s`,
      `- RSS at rest (MiB): ${JSON.stringify(atRest)}`,
      `- RSS after the load (MiB): ${JSON.stringify(afterLoad)}`,
    ].join('\n');
    log(`\n${report}`);
    const out = join(ARTIFACTS_DIR, 'bench', smoke ? 'catalogue-smoke.md' : 'catalogue.md');
    mkdirSync(join(ARTIFACTS_DIR, 'bench'), { recursive: true });
    writeFileSync(out, `${report}\n`);
    log(`\nWritten to ${relative(WORKSPACE_ROOT, out)}`);
  } finally {
    await topology.stop();
  }
  if (failures.length > 0) {
    console.error(`\nFAILED:\n- ${failures.join('\n- ')}`);
    process.exit(1);
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
