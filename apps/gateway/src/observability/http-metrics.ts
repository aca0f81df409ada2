import type { FastifyInstance } from 'fastify';
import { Gauge, Histogram } from 'prom-client';
import { LATENCY_BUCKETS } from '@books/server-kit';

const duration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP requests by method, route template and status, with their duration',
  labelNames: ['method', 'route', 'status'],
  buckets: LATENCY_BUCKETS,
});

const inFlight = new Gauge({ name: 'http_requests_in_flight', help: 'HTTP requests being handled right now' });

/**
 * Measures every request Fastify sees, including the ones rejected before a controller
 * runs (bad JSON, 413, 404, 429). Routes are labelled by template (/api/books/:id), so the
 * number of series stays bounded whatever ids clients send.
 */
export function registerHttpMetrics(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (_request, reply) => {
    inFlight.inc();
    // 'close' comes once for every response, finished or aborted, hijacked ones (event
    // streams) included, which never reach onResponse.
    reply.raw.once('close', () => inFlight.dec());
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    duration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
}
