import autocannon from 'autocannon';
import { performance } from 'node:perf_hooks';
import { LatencyRecorder, type LatencySummary } from '../measure/latency';

export type HttpRequest = autocannon.Request;

/**
 * Each connection is closed and reopened by the client after this many requests. Nginx closes
 * a keep-alive connection itself after 1,000 (`keepalive_requests`), and autocannon ignores
 * `Connection: close`: it writes the next request into the closing socket, gets ECONNRESET and
 * reconnects twice, after which a client runs two request loops at once and the numbers are
 * wrong. Closing first avoids that; autocannon drops the one response it was reading when it
 * does (the requests in src/scenarios cope: see updateRequest), one sample in 500.
 */
const RECONNECT_EVERY = 500;

export interface HttpLoad {
  /** Origin to connect to: http://127.0.0.1:8080 */
  origin: string;
  connections: number;
  durationS: number;
  /**
   * The requests one connection cycles through. Called once per connection, with its index,
   * so each connection can keep its own state (its books, their versions) in closures:
   * autocannon's own per-request `context` is reset every time the cycle restarts.
   */
  requestsFor: (connection: number) => HttpRequest[];
}

export interface HttpLoadResult {
  /** Responses received, whatever their status. */
  responses: number;
  durationS: number;
  latency: LatencySummary;
  /** Responses with a status outside 2xx. */
  non2xx: number;
  /** Connection errors and timeouts. */
  socketErrors: number;
  /** The same by error code (ECONNRESET, EPIPE, timeout...). */
  socketErrorCodes: Record<string, number>;
  timeouts: number;
  statusCodes: Record<string, number>;
}

/**
 * One closed-loop HTTP load run with autocannon's programmatic API: `connections` keep-alive
 * connections, each sending its next request as soon as the previous answer arrives.
 */
export function runHttpLoad(load: HttpLoad): Promise<HttpLoadResult> {
  const latency = new LatencyRecorder();
  const statusCodes: Record<string, number> = {};
  let non2xx = 0;
  let socketErrors = 0;
  const socketErrorCodes: Record<string, number> = {};
  let started = performance.now();
  let nextConnection = 0;

  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: load.origin,
        connections: load.connections,
        duration: load.durationS,
        pipelining: 1,
        timeout: 10,
        reconnectRate: RECONNECT_EVERY,
        setupClient: (client) => client.setRequests(load.requestsFor(nextConnection++)),
      },
      (error, result) => {
        if (error) return reject(error);
        const durationS = (performance.now() - started) / 1000;
        resolve({
          responses: latency.count,
          durationS: Math.round(durationS * 1000) / 1000,
          latency: latency.summary(),
          non2xx,
          socketErrors,
          socketErrorCodes,
          timeouts: result.timeouts,
          statusCodes,
        });
      },
    );
    instance.on('start', () => (started = performance.now()));
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      latency.record(responseTimeMs);
      statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
      if (statusCode < 200 || statusCode > 299) non2xx++;
    });
    // Connection errors and timeouts, each counted once.
    instance.on('reqError', (error: { code?: string; message?: string }) => {
      socketErrors++;
      const code = error?.code ?? error?.message ?? 'unknown';
      socketErrorCodes[code] = (socketErrorCodes[code] ?? 0) + 1;
    });
  });
}

/** A header of an autocannon response, whatever case the server (or Nginx) gave its name. */
export function headerOf(headers: HttpRequest['headers'], name: string): string | undefined {
  if (!headers) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** The version in an ETag (`"3"`, or `W/"3"` after compression), or undefined. */
export function versionFromEtag(etag: string | undefined | null): number | undefined {
  const match = etag ? /"(\d+)"/.exec(etag) : null;
  return match ? Number(match[1]) : undefined;
}
