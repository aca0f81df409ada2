import * as z from 'zod';
import { ConfigFrom, env } from '@books/server-kit';

const schema = z.object({
  PORT: env.port(3000),
  LOG_LEVEL: env.logLevel(),
  HOST: env.text('0.0.0.0'),
  NATS_URL: env.url('nats://127.0.0.1:4222', /^(nats|tls):\/\/.+/),
  /** This app's NATS user and password, both or neither (a NATS that lets anyone in). */
  NATS_USER: z.string().min(1, { error: 'must not be empty' }).optional(),
  NATS_PASSWORD: z.string().min(1, { error: 'must not be empty' }).optional(),
  /** Deadline for one books-service request; past it the client gets 504. */
  NATS_REQUEST_TIMEOUT_MS: env.milliseconds(3_000),
  /** Answer repeated reads from memory, invalidated by the event stream. */
  READ_CACHE: env.boolean(true),
  /** Entries kept per kind (list pages, books); the oldest go first. */
  READ_CACHE_MAX_ENTRIES: env.positiveInt(1_000),
  /** Events kept in memory for reconnecting SSE clients; older ones are replayed from JetStream. */
  EVENTS_BUFFER_SIZE: env.positiveInt(5_000),
  /** How often an idle SSE connection gets a comment line, to keep proxies from closing it. */
  SSE_HEARTBEAT_MS: env.milliseconds(15_000),
  /**
   * Which proxies' X-Forwarded-For to believe (the client address for rate limiting):
   * proxy-addr names or CIDRs. Default: private networks, where Nginx runs.
   */
  TRUST_PROXY: z.string().default('loopback,linklocal,uniquelocal'),
  /** Requests per client per window before 429; 0 turns rate limiting off. */
  RATE_LIMIT_MAX: env.count(1_200),
  RATE_LIMIT_WINDOW_MS: env.milliseconds(60_000),
  /** Origins allowed to call the API from a browser (development only); empty means none. */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean)),
  /** How long an idle keep-alive connection stays open (longer than Nginx's 60 s upstream keepalive). */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: env.milliseconds(72_000),
  /** The largest import file (POST /api/books/import) in bytes; larger ones get 413. */
  IMPORT_MAX_BYTES: env.positiveInt(256 * 1024 * 1024),
  /** How long a client may take to send a whole request: its headers and its body. */
  HTTP_REQUEST_TIMEOUT_MS: env.milliseconds(10_000),
  /**
   * The site reaches browsers over HTTPS (TLS ends in front of Nginx): only then does the API
   * send Strict-Transport-Security and ask browsers to upgrade insecure requests. Over plain
   * HTTP those would send every asset of /api/docs to an https:// address that is not there.
   */
  PUBLIC_HTTPS: env.boolean(false),
}).refine((config) => (config.NATS_USER === undefined) === (config.NATS_PASSWORD === undefined), {
  error: 'NATS_USER and NATS_PASSWORD go together: set both or neither',
  path: ['NATS_PASSWORD'],
});

/** The gateway's validated configuration; inject it as `config: GatewayConfig`. */
export class GatewayConfig extends ConfigFrom(schema) {}
