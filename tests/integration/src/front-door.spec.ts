import { mkdtempSync, rmSync } from 'node:fs';
import { type IncomingHttpHeaders, request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Topology, type WebServer, startNginx, waitFor } from '@books/stack';
import { rawHttpRequest, sendRaw } from './support/raw-http';

/**
 * The front door under abuse: Nginx (the shipped template) in front of the gateway. Each
 * client is its own loopback address (127.0.0.x), as Nginx and the rate limit see clients.
 */
const STREAMS_PER_CLIENT = 3;
const REQUEST_TIMEOUT_MS = 2_000;
let topology: Topology;
let web: WebServer;
let nginxDir: string;

beforeAll(async () => {
  topology = await Topology.start({
    name: 'front-door',
    replicas: 1,
    gatewayEnv: { RATE_LIMIT_MAX: '40', RATE_LIMIT_WINDOW_MS: '60000', HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS) },
  });
  nginxDir = mkdtempSync(join(tmpdir(), 'books-front-door-nginx-'));
  web = await startNginx({
    prefix: nginxDir,
    logDir: topology.logDir,
    gatewayAddress: `127.0.0.1:${topology.gateway.port}`,
    settings: { EVENT_STREAMS_PER_CLIENT: String(STREAMS_PER_CLIENT) },
  });
});
afterAll(async () => {
  await web?.process.stop();
  await topology?.stop();
  if (nginxDir) rmSync(nginxDir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  /** Header names as sent, lower-cased, once per line: a duplicate shows up twice. */
  headerLines: string[];
  text: string;
}

interface Options {
  /** The client's own address: 127.0.0.x. */
  from: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  base?: string;
}

/** One request sent exactly as given (no path normalisation), from a chosen local address. */
function send(path: string, { from, method = 'GET', headers = {}, body, base = web.url }: Options): Promise<Reply> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, path, method, headers, localAddress: from, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          headerLines: res.rawHeaders.filter((_, i) => i % 2 === 0).map((name) => name.toLowerCase()),
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** An event stream held open until closed; resolves once its response headers arrive. */
function openStream(from: string): Promise<{ status: number; type: string; text: Promise<string>; close: () => void }> {
  const { hostname, port } = new URL(web.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: hostname, port, path: '/api/books/events', headers: { accept: 'text/event-stream' }, localAddress: from, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        const text = new Promise<string>((done) => res.on('close', () => done(Buffer.concat(chunks).toString('utf8'))));
        resolve({ status: res.statusCode!, type: String(res.headers['content-type']), text, close: () => req.destroy() });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function expectProblem(reply: Reply, status: number, slug: string): void {
  expect([reply.status, reply.headers['content-type']]).toEqual([status, expect.stringMatching(/^application\/problem\+json/)]);
  expect(JSON.parse(reply.text)).toMatchObject({ type: `urn:books-catalogue:problem:${slug}`, title: expect.any(String), status, detail: expect.any(String) });
}

async function pingsHandled(): Promise<number> {
  const metrics = await (await fetch(`${topology.services[0].url}/metrics`)).text();
  const line = metrics.split('\n').find((l) => l.startsWith('rpc_server_duration_seconds_count{') && l.includes('books.v1.ping'));
  return Number(line?.split(' ').at(-1) ?? 0);
}

describe('event streams', () => {
  it(`answers a client's stream past its cap with a 429 problem, while other clients browse and stream`, async () => {
    const greedy = await Promise.all(Array.from({ length: STREAMS_PER_CLIENT }, () => openStream('127.0.0.2')));
    expect(greedy.map((stream) => stream.status)).toEqual(Array(STREAMS_PER_CLIENT).fill(200));
    try {
      const refused = await openStream('127.0.0.2');
      expect(refused.status).toBe(429);
      const reply = { status: refused.status, headers: { 'content-type': refused.type }, headerLines: [], text: await refused.text };
      expectProblem(reply, 429, 'too-many-requests');

      // Everyone else is served as usual.
      const other = await openStream('127.0.0.3');
      expect([other.status, other.type]).toEqual([200, expect.stringMatching(/^text\/event-stream/)]);
      other.close();
      const page = await send('/', { from: '127.0.0.3' });
      expect([page.status, page.headers['content-type']]).toEqual([200, expect.stringMatching(/^text\/html/)]);
      expect((await send('/api/books?limit=1', { from: '127.0.0.3' })).status).toBe(200);
    } finally {
      for (const stream of greedy) stream.close();
    }
    // Closed streams free their places.
    await waitFor('a closed stream to free its place', async () => {
      const again = await openStream('127.0.0.2');
      again.close();
      return again.status === 200;
    });
  });
});

describe('client addresses', () => {
  it('ignores a forged X-Forwarded-For: the rate limit still counts the real client', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 45; i++) {
      const forged = `203.0.113.${i}, 10.0.0.${i}`;
      statuses.push((await send('/api/books?limit=1', { from: '127.0.0.4', headers: { 'x-forwarded-for': forged } })).status);
    }
    expect(statuses.filter((status) => status === 200)).toHaveLength(40);
    expect(statuses.at(-1)).toBe(429);
    // Another real client has its own allowance.
    expect((await send('/api/books?limit=1', { from: '127.0.0.5' })).status).toBe(200);
  });
});

describe('headers', () => {
  const OWNED_ONCE = ['x-frame-options', 'referrer-policy', 'x-content-type-options', 'cross-origin-opener-policy', 'content-security-policy'];

  it.each([
    ['an API response', '/api/books?limit=1'],
    ['the API docs', '/api/docs'],
    ['the app shell', '/'],
  ])('sends each security header once, and no HTTPS-only header over HTTP, on %s', async (_what, path) => {
    const reply = await send(path, { from: '127.0.0.6' });
    expect(reply.status).toBe(200);
    for (const name of OWNED_ONCE) expect([name, reply.headerLines.filter((line) => line === name).length]).toEqual([name, 1]);
    expect(reply.headers['x-frame-options']).toBe('DENY');
    expect(reply.headers['strict-transport-security']).toBeUndefined();
    expect(reply.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
  });
});

describe('paths under /api', () => {
  it.each([
    ['a path that resolves outside /api', '/api/books/..%2F..%2Fetc%2Fpasswd'],
    ['a path that resolves to the app shell', '/api/..%2Findex.html'],
    ['dot segments as sent', '/api/../index.html'],
    ['/api itself', '/api'],
    ['an unknown API path', '/api/nothing-here'],
  ])('answers %s with a 404 problem, never the app', async (_what, path) => {
    expectProblem(await send(path, { from: '127.0.0.7' }), 404, 'not-found');
  });

  it("answers with problems for Nginx's own 400, 413 and 414", async () => {
    expectProblem(await send('/api/books', { from: '127.0.0.7', headers: { host: 'bad/host' } }), 400, 'malformed-request');
    const big = 'x'.repeat(1_100_000);
    expectProblem(await send('/api/books', { from: '127.0.0.7', method: 'POST', headers: { 'content-type': 'application/json' }, body: big }), 413, 'payload-too-large');
    expectProblem(await send(`/api/books?q=${'x'.repeat(9_000)}`, { from: '127.0.0.7' }), 414, 'uri-too-long');
    // Outside /api, Nginx's own page stays.
    const page = await send('/', { from: '127.0.0.7', headers: { host: 'bad/host' } });
    expect([page.status, page.headers['content-type']]).toEqual([400, expect.stringMatching(/^text\/html/)]);
  });
});

describe('host names', () => {
  it.each([
    ['a DNS-rebinding name', 'evil.example'],
    ['another name on this address', 'catalogue.internal:8080'],
  ])('answers %s with 421 and nothing of the site', async (_what, host) => {
    for (const path of ['/api/books', '/', '/index.html']) {
      const reply = await send(path, { from: '127.0.0.9', headers: { host } });
      expectProblem(reply, 421, 'misdirected-request');
      expect(reply.text).not.toMatch(/<html|"items"/i);
    }
    const write = await send('/api/books', { from: '127.0.0.9', method: 'POST', headers: { host, 'content-type': 'application/json' }, body: '{"title":"Rebound","author":"Evil"}' });
    expectProblem(write, 421, 'misdirected-request');
    const books = (await (await fetch(`${topology.baseUrl}/books?q=Rebound`)).json()) as { items: unknown[] };
    expect(books.items).toEqual([]);
  });

  it('serves the names it is configured for, with or without the port', async () => {
    const { port } = new URL(web.url);
    for (const host of ['localhost', `127.0.0.1:${port}`, `localhost:${port}`]) {
      expect([host, (await send('/api/books?limit=1', { from: '127.0.0.9', headers: { host } })).status]).toEqual([host, 200]);
    }
  });
});

describe('requests', () => {
  it('deletes with a JSON content type and no body', async () => {
    const created = await send('/api/books', {
      from: '127.0.0.8',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Deleted Plainly', author: 'Tester' }),
    });
    expect(created.status).toBe(201);
    const { id } = JSON.parse(created.text);
    const deleted = await send(`/api/books/${id}`, { from: '127.0.0.8', method: 'DELETE', headers: { 'content-type': 'application/json', 'content-length': '0' } });
    expect(deleted.status).toBe(204);
  });

  it('refuses a search whose folded text is too long, with a field error', async () => {
    const reply = await send(`/api/books?q=${encodeURIComponent('\ufdfa'.repeat(12))}`, { from: '127.0.0.8' });
    expectProblem(reply, 400, 'validation-failed');
    expect(JSON.parse(reply.text).errors).toEqual([expect.objectContaining({ field: expect.stringMatching(/q$/) })]);
  });

  it('checks readiness at most once a second, and names no replica', async () => {
    const before = await pingsHandled();
    const replies = await Promise.all(Array.from({ length: 30 }, () => send('/api/health/ready', { from: '127.0.0.9' })));
    expect(replies.map((reply) => reply.status)).toEqual(Array(30).fill(200));
    expect(JSON.parse(replies[0].text)).toEqual({ status: 'ok' });
    expect((await pingsHandled()) - before).toBeLessThanOrEqual(2);
  });
});

describe('slow clients', () => {
  /**
   * Sends `head` at once, then `tail` a byte every 200 ms, straight to the gateway; resolves
   * when the server closes the connection, with what it answered. Bounded at 15 s.
   */
  function trickle(head: Buffer, tail: Buffer): Promise<{ closedAfterMs: number; answer: string }> {
    const { port } = new URL(topology.gateway.url);
    return new Promise((resolve) => {
      const started = Date.now();
      const socket = connect(Number(port), '127.0.0.1');
      const received: Buffer[] = [];
      let sent = 0;
      socket.on('connect', () => socket.write(head));
      const timer = setInterval(() => {
        if (sent < tail.length && socket.writable) socket.write(tail.subarray(sent, ++sent));
      }, 200);
      const guard = setTimeout(() => socket.destroy(), 15_000);
      socket.on('data', (chunk: Buffer) => received.push(chunk));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(timer);
        clearTimeout(guard);
        resolve({ closedAfterMs: Date.now() - started, answer: Buffer.concat(received).toString() });
      });
    });
  }

  it('cuts off clients that trickle their body or their headers, within the request timeout', async () => {
    const body = Buffer.from(JSON.stringify({ title: 'Slowly', author: 'Trickler' }));
    const post = rawHttpRequest({ method: 'POST', target: '/api/books', headers: [['Content-Type', 'application/json']], body });
    const get = rawHttpRequest({ method: 'GET', target: '/api/books', headers: [['X-Padding', 'y'.repeat(100)]] });
    // Each would take 10 s or more to arrive; the gateway gives a request 2 s.
    const results = await Promise.all([
      ...Array.from({ length: 5 }, () => trickle(post.subarray(0, post.length - body.length), body)),
      ...Array.from({ length: 5 }, () => trickle(Buffer.alloc(0), get)),
    ]);
    for (const { closedAfterMs, answer } of results) {
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      expect(closedAfterMs).toBeLessThan(REQUEST_TIMEOUT_MS + 2_000);
    }
  });

  it('still serves a client that sends its request in time', async () => {
    const reply = await sendRaw(topology.gateway.url, rawHttpRequest({ method: 'GET', target: '/api/books?limit=1' }));
    expect(reply.status).toBe(200);
  });
});
