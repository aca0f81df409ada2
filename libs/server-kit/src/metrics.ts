import { Controller, Get, Header } from '@nestjs/common';
import { collectDefaultMetrics, register } from 'prom-client';

let collectingProcessMetrics = false;

/**
 * Process metrics (CPU, memory, event loop lag, GC) for every app that exposes /metrics.
 * Started when the app creates its metrics endpoint, not on import: importing this library
 * (the local stack reads its settings with it) starts no timers.
 */
export function collectProcessMetrics(): void {
  if (collectingProcessMetrics) return;
  collectingProcessMetrics = true;
  collectDefaultMetrics();
}

/** Latency buckets, in seconds, from sub-millisecond NATS hops to multi-second timeouts. */
export const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Prometheus scrape endpoint, served outside the public /api prefix: Nginx only proxies
 * /api, so metrics are reachable on the internal network and not from browsers.
 */
@Controller('metrics')
export class MetricsController {
  constructor() {
    collectProcessMetrics();
  }

  @Get()
  @Header('content-type', register.contentType)
  @Header('cache-control', 'no-store')
  scrape(): Promise<string> {
    return register.metrics();
  }
}
