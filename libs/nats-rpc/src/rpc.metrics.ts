import { Counter, Gauge, Histogram } from 'prom-client';
import { LATENCY_BUCKETS } from '@books/server-kit';

/** Outcome label of an RPC: `ok`, a reply error code, or a transport failure. */
export type RpcOutcome = 'ok' | 'no_responders' | 'timeout' | 'disconnected' | string;

/** Requests this process answers, by subject and outcome (books-service side). */
export const rpcServerDuration = new Histogram({
  name: 'rpc_server_duration_seconds',
  help: 'Time to handle a NATS request, by subject and outcome',
  labelNames: ['subject', 'outcome'],
  buckets: LATENCY_BUCKETS,
});

export const rpcServerInFlight = new Gauge({
  name: 'rpc_server_in_flight',
  help: 'NATS requests being handled right now',
});

/** Requests this process sends, by subject and outcome (gateway side). */
export const rpcClientDuration = new Histogram({
  name: 'rpc_client_duration_seconds',
  help: 'Round trip of a NATS request, from send to reply or failure, by subject and outcome',
  labelNames: ['subject', 'outcome'],
  buckets: LATENCY_BUCKETS,
});

export const rpcClientRetries = new Counter({
  name: 'rpc_client_retries_total',
  help: 'Idempotent NATS requests sent a second time after a timeout or no responders',
  labelNames: ['subject'],
});
