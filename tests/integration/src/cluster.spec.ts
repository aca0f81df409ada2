import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { type StreamInfo, jetstreamManager } from '@nats-io/jetstream';
import { BOOK_EVENTS_STREAM } from '@books/contracts';
import { type NatsServer, Topology, waitFor } from '@books/stack';
import { apiClient, type ApiResponse } from './support/http';
import { SteadyLoad } from './support/load';
import { PROBLEM_TYPE_PREFIX } from './support/problem';
import { ResumingSseClient } from './support/sse';
import { eventsOf, readAllEvents } from './support/stream';

/**
 * The acceptance of "past one machine": a 3-node NATS cluster (the event stream with 3
 * replicas), two books-service replicas and two gateways behind Nginx, under steady reads and
 * writes through Nginx while 100 browsers follow the event stream. One NATS node killed, one
 * gateway killed, every component restarted in turn: reads never fail, writes either succeed
 * or fail with a status the API calls retryable and succeed when retried as a client would,
 * nothing is committed twice, and every browser sees every change exactly once, in order.
 */
const SSE_CLIENTS = 100;
const NETWORK_ERROR = 'network-error';
/**
 * What docs/api.md tells a client it may retry (503, 504 after reading first, 409), and a
 * connection closed under a request before any answer, which browsers resend on their own.
 */
const RETRYABLE = new Set(['service-unavailable', 'gateway-timeout', 'outcome-unknown', 'conflict', NETWORK_ERROR]);
/** The web app's read retries (apps/web/src/app/books/data-access/retry-reads.interceptor.ts). */
const READ_RETRIES = 2;
const TRANSIENT_READ_STATUSES = new Set([0, 429, 502, 503, 504]);

let topology: Topology;
let nc: NatsConnection;
/** The stream's last sequence before the browsers connected: each sees every event after it. */
let startSeq: number;
const browsers: ResumingSseClient[] = [];
/** The numbers printed at the end: requests, failures and retries of each test, restart times. */
const report: Record<string, unknown> = {};
const web = apiClient(() => `${topology.web!.url}/api`);

beforeAll(async () => {
  const started = performance.now();
  topology = await Topology.start({
    name: 'cluster',
    natsNodes: 3,
    replicas: 2,
    gateways: 2,
    webPort: 0,
    // Every browser here comes from 127.0.0.1, which Nginx would otherwise hold to 32 streams.
    webSettings: { EVENT_STREAMS_PER_CLIENT: String(SSE_CLIENTS + 20) },
    gatewayEnv: { RATE_LIMIT_MAX: '0' },
    serviceEnv: { OUTBOX_GRACE_MS: '500', OUTBOX_INTERVAL_MS: '250' },
  });
  report.topologyStartMs = Math.round(performance.now() - started);
  nc = await connect(topology.natsOptions());
  startSeq = (await streamInfo()).state.last_seq;
  browsers.push(...Array.from({ length: SSE_CLIENTS }, () => new ResumingSseClient(`${topology.web!.url}/api/books/events`)));
  const statuses = await Promise.all(browsers.map(async (browser) => (await browser.opened).status));
  expect(statuses.filter((status) => status !== 200)).toEqual([]);
}, 120_000);

afterAll(async () => {
  console.log(`Cluster fault test numbers: ${JSON.stringify(report, undefined, 2)}`);
  await Promise.all(browsers.map((browser) => browser.close()));
  await nc?.close();
  await topology?.stop();
});

function streamInfo(): Promise<StreamInfo> {
  return jetstreamManager(nc).then((jsm) => jsm.streams.info(BOOK_EVENTS_STREAM));
}

/** The NATS node that leads the event stream (takes its writes). */
async function streamLeader(): Promise<NatsServer> {
  const leader = (await streamInfo()).cluster?.leader;
  const node = topology.natsNodes.find((server) => server.process.name === leader);
  if (!node) throw new Error(`No NATS node leads ${BOOK_EVENTS_STREAM} (leader: ${leader})`);
  return node;
}

const problemType = (response: ApiResponse) => String(response.body?.type ?? '').replace(PROBLEM_TYPE_PREFIX, '');
const retryable = (response: ApiResponse) => RETRYABLE.has(problemType(response));

/**
 * Reads, creates and updates through Nginx, as careful clients make them: a create carries an
 * Idempotency-Key and an update an If-Match, and a retryable failure is retried with the same
 * ones. An update retried after an unknown outcome may find its own change already in (412):
 * the client reads the book to tell. `retried` lists every failure a retry made good.
 */
class ClientLoad {
  readonly load: SteadyLoad;
  private readonly startedAt = performance.now();
  readonly retried: string[] = [];
  readonly keys: string[] = [];
  /** Each updater's book and the version its last committed update left. */
  readonly books: { id: string; version: number; updates: number }[];

  private constructor(run: string, books: { id: string; version: number }[]) {
    this.books = books.map((book) => ({ ...book, updates: 0 }));
    const updaters = books.length;
    this.load = new SteadyLoad(updaters + 4, (worker, i) => {
      if (worker < updaters) return i % 2 ? this.update(worker, i) : this.read(`/books/${this.books[worker].id}`);
      if (worker < updaters + 2) return i % 3 ? this.read('/books?limit=8&sort=-updatedAt') : this.create(`${run}-${worker}-${i}`);
      return this.read(i % 2 ? '/books?limit=20' : `/books/${this.books[i % updaters].id}`);
    });
  }

  static async start(run: string, updaters = 6): Promise<ClientLoad> {
    const books = await Promise.all(
      Array.from({ length: updaters }, async (_, worker) => {
        const response = await web('/books', { method: 'POST', json: { title: `${run} book ${worker}`, author: 'Cluster' } });
        expect(response.status).toBe(201);
        return { id: response.body.id as string, version: response.body.version as number };
      }),
    );
    return new ClientLoad(run, books);
  }

  /**
   * A read, retried as the web app retries one (apps/web retry-reads.interceptor.ts): twice at
   * most, after 0.5 and 1 s, on no answer, 429, 502, 503 or 504. A failed read is one that
   * still fails then: the error a person would see.
   */
  private async read(path: string): Promise<{ kind: string; status: number }> {
    return this.retrying('read', () => web(path), undefined, READ_RETRIES);
  }

  private async create(key: string): Promise<{ kind: string; status: number }> {
    this.keys.push(key);
    return this.retrying('create', () => web('/books', { method: 'POST', json: { title: key, author: 'Keyed' }, headers: { 'idempotency-key': key } }));
  }

  private async update(worker: number, i: number): Promise<{ kind: string; status: number }> {
    const book = this.books[worker];
    const title = `${book.id} update ${i}`;
    const result = await this.retrying('update', () => web(`/books/${book.id}`, { method: 'PATCH', json: { title }, headers: { 'if-match': `"${book.version}"` } }), async () => {
      // Our first try may have committed before its answer was lost: is the next version ours?
      // The 412 says the book is past our version; a read through the other gateway may not be yet.
      const current = await waitFor('a read that shows the change behind the 412', async () => {
        const read = (await web(`/books/${book.id}`)).body;
        return read.version > book.version && read;
      });
      return current.version === book.version + 1 && current.title === title ? { status: 200, headers: new Headers(), body: current } : undefined;
    });
    if (result.status === 200) {
      book.version++;
      book.updates++;
    }
    return result;
  }

  /**
   * Sends until it is not a retryable failure (for at most 20 s; reads only again after a
   * network error); `onMismatch` tells a 412 after a retry.
   */
  private async retrying(kind: string, send: () => Promise<ApiResponse>, onMismatch?: () => Promise<ApiResponse | undefined>, maxRetries = Infinity): Promise<{ kind: string; status: number }> {
    const deadline = Date.now() + 20_000;
    for (let attempt = 0; ; attempt++) {
      let response = await send().catch(() => ({ status: 0, headers: new Headers(), body: { type: NETWORK_ERROR } }));
      if (response.status === 412 && attempt > 0 && onMismatch) response = (await onMismatch()) ?? response;
      const answered = response.status > 0 && response.status < 400;
      const again = kind === 'read' ? TRANSIENT_READ_STATUSES.has(response.status) : retryable(response);
      if (answered || !again || attempt >= maxRetries || Date.now() > deadline) return { kind, status: response.status };
      this.retried.push(`${kind} ${response.status} ${problemType(response)}`);
      await sleep(kind === 'read' ? 500 * 2 ** attempt : 100);
    }
  }

  async stop() {
    await this.load.stop();
    const outcomes = this.load.outcomes;
    const of = (kind: string) => outcomes.filter((outcome) => outcome.kind === kind);
    const failed = (kind: string) => of(kind).filter((outcome) => outcome.status === 0 || outcome.status >= 400).map((outcome) => `${kind} ${outcome.status}`);
    return {
      reads: of('read').length,
      writes: of('update').length + of('create').length,
      failedReads: countEach(failed('read')),
      failedWrites: countEach([...failed('update'), ...failed('create')]),
      /** Retryable failures a retry made good. */
      retried: countEach(this.retried),
    };
  }

  /** How long writes stalled after `since` (performance.now()): until the first write sent after it succeeded. */
  writeStallMs(since: number): number {
    const after = since - this.startedAt;
    const done = this.load.outcomes.filter((outcome) => outcome.kind !== 'read' && outcome.status < 400 && outcome.at >= after).map((outcome) => outcome.at + outcome.ms);
    return Math.round(Math.min(...done) - after);
  }
}

/** How many of each: `{ "update 503 service-unavailable": 4 }`. */
function countEach(items: string[]): Record<string, number> {
  return Object.fromEntries([...Map.groupBy(items, (item) => item)].map(([item, all]) => [item, all.length]));
}

/**
 * What was committed is there once: each create's key made one book, each updater's book has
 * exactly the versions its committed updates made, and the stream holds each version once.
 */
async function expectCommittedOnce(clients: ClientLoad): Promise<void> {
  const titles: string[] = [];
  const prefix = clients.keys[0]?.split('-')[0] ?? '';
  for (let offset = 0, total = 1; offset < total; offset += 100) {
    const page = (await web(`/books?q=${prefix}-&limit=100&offset=${offset}`)).body;
    total = page.total;
    titles.push(...page.items.map((book: { title: string }) => book.title).filter((title: string) => title.startsWith(`${prefix}-`)));
  }
  expect(titles.sort()).toEqual([...new Set(clients.keys)].sort());
  const events = await readAllEvents(topology.natsOptions());
  for (const book of clients.books) {
    expect({ id: book.id, version: (await web(`/books/${book.id}`)).body.version }).toEqual({ id: book.id, version: 1 + book.updates });
    expect(eventsOf(events, book.id).map((stored) => stored.event.version)).toEqual(Array.from({ length: book.version }, (_, i) => i + 1));
  }
}

/** Every browser has seen every event after `startSeq` exactly once, in stream order, whatever it went through. */
async function expectEveryBrowserSawEveryEvent(): Promise<void> {
  const lastSeq = (await streamInfo()).state.last_seq;
  await waitFor(`${SSE_CLIENTS} browsers to get every event up to ${lastSeq}`, () => browsers.every((browser) => Number(browser.received.at(-1)?.id) >= lastSeq), {
    timeoutMs: 15_000,
  }).catch((error: Error) => {
    const behind = browsers.filter((browser) => !(Number(browser.received.at(-1)?.id) >= lastSeq));
    throw new Error(`${error.message}: ${behind.length} browsers behind, at ${behind.slice(0, 5).map((b) => b.received.at(-1)?.id).join(', ')}`);
  });
  const expected = (await readAllEvents(topology.natsOptions())).filter((stored) => stored.seq > startSeq).map((stored) => stored.seq);
  const wrong = browsers
    .map((browser, index) => ({ index, seen: browser.received.map((message) => Number(message.id)).filter((seq) => seq > startSeq) }))
    .filter(({ seen }) => seen.length !== expected.length || seen.some((seq, i) => seq !== expected[i]));
  const describe = ({ index, seen }: { index: number; seen: number[] }) =>
    `browser ${index}: ${seen.length} events, ${seen.length - new Set(seen).size} duplicates, missing ${expected.filter((seq) => !seen.includes(seq)).slice(0, 5).join(',')}`;
  expect({ browsersWithGapsOrDuplicates: wrong.length, of: SSE_CLIENTS, events: expected.length, first: wrong.slice(0, 3).map(describe) }).toEqual({
    browsersWithGapsOrDuplicates: 0,
    of: SSE_CLIENTS,
    events: expected.length,
    first: [],
  });
  report.reconnects = browsers.reduce((sum, browser) => sum + browser.reconnects, 0);
}

it('loses no read, no write and no event when the NATS node leading the stream is killed', async () => {
  const clients = await ClientLoad.start('natskill');
  await clients.load.completes(200);
  const leader = await streamLeader();
  await leader.process.kill();
  const killedAt = performance.now();
  await clients.load.completes(300);
  const restarting = performance.now();
  await leader.process.start();
  const restartMs = Math.round(performance.now() - restarting);
  await clients.load.completes(100);
  const numbers = { ...(await clients.stop()), killed: leader.process.name, downMs: Math.round(restarting - killedAt), restartMs, writeStallMs: clients.writeStallMs(killedAt) };
  report.natsNodeKilled = numbers;

  expect({ failedReads: numbers.failedReads, failedWrites: numbers.failedWrites }).toEqual({ failedReads: {}, failedWrites: {} });
  await expectCommittedOnce(clients);
  await expectEveryBrowserSawEveryEvent();
  // The restarted node is back in the stream's replica set and caught up.
  await waitFor('the stream to have 3 current replicas', async () => {
    const { cluster } = await streamInfo();
    return !!cluster?.leader && cluster.replicas?.length === 2 && cluster.replicas.every((replica) => replica.current);
  });
});

it('resumes the event streams of a killed gateway on the other one, with no gap', async () => {
  const clients = await ClientLoad.start('gwkill');
  await clients.load.completes(200);
  const reconnectsBefore = browsers.reduce((sum, browser) => sum + browser.reconnects, 0);
  const [gateway] = topology.gateways;
  await gateway.process.kill();
  await clients.load.completes(200);
  await gateway.process.start();
  await clients.load.completes(100);
  const numbers = await clients.stop();
  report.gatewayKilled = numbers;

  expect({ failedReads: numbers.failedReads, failedWrites: numbers.failedWrites }).toEqual({ failedReads: {}, failedWrites: {} });
  await expectCommittedOnce(clients);
  await expectEveryBrowserSawEveryEvent();
  // Nginx spread the browsers over both gateways: the killed one's had to resume elsewhere.
  expect(browsers.reduce((sum, browser) => sum + browser.reconnects, 0) - reconnectsBefore).toBeGreaterThan(0);
});

it('serves every request while every component restarts in turn', async () => {
  const clients = await ClientLoad.start('rolling');
  await clients.load.completes(100);
  /** Failed requests (first tries included) while each component restarted. */
  const failuresDuring: Record<string, number> = {};
  const step = async (name: string, restart: () => Promise<unknown>) => {
    const [outcomes, retried] = [clients.load.outcomes.length, clients.retried.length];
    await restart();
    await clients.load.completes(60);
    const failed = clients.load.outcomes.slice(outcomes).filter((outcome) => outcome.status === 0 || outcome.status >= 400).length;
    failuresDuring[name] = failed + clients.retried.length - retried;
  };
  // As an orchestrator does: ask it to stop, wait for the exit, start again, wait until ready,
  // next. A NATS node is asked with SIGUSR2 (lame duck mode, the NATS Helm chart's preStop):
  // its clients move to the other nodes before it goes. The apps stop on SIGTERM.
  for (const node of topology.natsNodes) {
    await step(node.process.name, async () => {
      await node.process.stop(15_000, 'SIGUSR2');
      await node.process.start();
    });
  }
  for (const replica of topology.services) await step(replica.process.name, () => replica.process.restart());
  for (const gateway of topology.gateways) {
    await step(gateway.process.name, async () => {
      await gateway.process.restart();
      await waitFor(`Nginx to send requests to ${gateway.process.name} again`, () => servedRequests(gateway.url));
    });
  }
  // Nginx restarts without downtime by reloading (SIGHUP): new workers, the old ones finish their requests.
  await step('nginx (reload)', async () => process.kill(topology.web!.process.pid!, 'SIGHUP'));
  const numbers = { ...(await clients.stop()), failuresDuring };
  report.rollingRestart = numbers;

  expect({ failedReads: numbers.failedReads, failedWrites: numbers.failedWrites }).toEqual({ failedReads: {}, failedWrites: {} });
  // Not even a first try fails while NATS nodes, replicas and gateways restart. The one thing
  // left is HTTP's: Nginx reloading closes its idle keep-alive connections, and one may close
  // just as a request is sent on it, which every HTTP client sends again (browsers do).
  const failedSteps = Object.entries(failuresDuring).filter(([name, failed]) => !name.startsWith('nginx') && failed > 0);
  expect(failedSteps).toEqual([]);
  const unexplained = Object.keys(numbers.retried).filter((kind) => !kind.endsWith(' 0 network-error'));
  expect({ unexplained, retried: numbers.retried }).toEqual({ unexplained: [], retried: numbers.retried });
  await expectCommittedOnce(clients);
  await expectEveryBrowserSawEveryEvent();
}, 120_000);

/** Whether Nginx sends a gateway requests again: the load's requests for books raise its count. */
async function servedRequests(gatewayUrl: string): Promise<boolean> {
  const count = async () => {
    const metrics = await (await fetch(`${gatewayUrl}/metrics`)).text();
    return [...metrics.matchAll(/^http_request_duration_seconds_count\{[^}]*route="\/api\/books[^}]*\} (\d+)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
  };
  const before = await count();
  await sleep(200);
  return (await count()) > before;
}
