import { z } from 'zod';
import { ConfigFrom, env } from '@books/server-kit';

const schema = z.object({
  PORT: env.port(3000),
  HOST: z.string().default('0.0.0.0'),
  NATS_URL: env.url('nats://127.0.0.1:4222', /^(nats|tls):\/\/.+/),
  /** Deadline for one books-service request; past it the client gets 504. */
  NATS_REQUEST_TIMEOUT_MS: env.milliseconds(3_000),
  /** Events kept in memory for reconnecting SSE clients; older ones are replayed from JetStream. */
  EVENTS_BUFFER_SIZE: env.positiveInt(5_000),
  /** How often an idle SSE connection gets a comment line, to keep proxies from closing it. */
  SSE_HEARTBEAT_MS: env.milliseconds(15_000),
});

/** The gateway's validated configuration; inject it as `config: GatewayConfig`. */
export class GatewayConfig extends ConfigFrom(schema) {}
