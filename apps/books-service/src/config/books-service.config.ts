import { hostname } from 'node:os';
import * as z from 'zod';
import { ConfigFrom, env, mongoDatabaseName } from '@books/server-kit';

const schema = z.object({
  NATS_URL: env.url('nats://127.0.0.1:4222', /^(nats|tls):\/\/.+/),
  /** This app's NATS user and password, both or neither (a NATS that lets anyone in). */
  NATS_USER: z.string().min(1, { error: 'must not be empty' }).optional(),
  NATS_PASSWORD: z.string().min(1, { error: 'must not be empty' }).optional(),
  /** Passed to the driver unchanged: seed lists, credentials and options all work. */
  MONGODB_URL: env.mongoUrl('mongodb://127.0.0.1:27017/books'),
  /** Port of the small HTTP server for health checks (and metrics). */
  HTTP_PORT: env.port(3100),
  LOG_LEVEL: env.logLevel(),
  /** How long a database operation may take before the request fails with 503. */
  DB_TIMEOUT_MS: env.milliseconds(2_000),
  /**
   * Connections to the database per replica; more requests wait their turn in the driver's
   * queue, first come first served. Measured on FerretDB/SQLite (bench/README.md): 4 per
   * replica keeps writes from starving behind SQLite's lock, where 20 let single writes wait
   * 4 s. MongoDB takes more, but a replica's CPU is used up first.
   */
  DB_POOL_SIZE: env.positiveInt(4),
  /** Database commands slower than this are logged as warnings (all are in a histogram). */
  DB_SLOW_MS: env.milliseconds(500),
  /** Seed the sample books into an empty catalogue at start-up. */
  SEED_BOOKS: env.boolean(true),
  /** How long the event stream keeps events, so subscribers can replay that far back. */
  EVENTS_MAX_AGE_HOURS: env.positiveInt(24 * 30),
  /** Copies of the event stream and of the outbox bucket in a NATS cluster (1 for a single server; 3 for three nodes). */
  EVENTS_REPLICAS: env.positiveInt(1),
  /** How long a replica may hold changes in its outbox without a sign of life before another replica publishes them. */
  OUTBOX_GRACE_MS: env.milliseconds(2_000),
  /** How long before another replica also applies such a change to the books (its writer surely died). */
  OUTBOX_APPLY_GRACE_MS: env.milliseconds(30_000),
  /** How often the relay looks at the outboxes (in NATS; it never reads the change history). */
  OUTBOX_INTERVAL_MS: env.milliseconds(1_000),
  /** Most changes committed together in one database round (group commit). */
  COMMIT_BATCH_MAX: env.positiveInt(64),
  /** How long a write may keep retrying behind other writers of the same book (keep it under the gateway's deadline). */
  WRITE_DEADLINE_MS: env.milliseconds(2_000),
  /** Books whose latest published state each replica keeps in memory for writers. */
  STATE_CACHE_MAX_ENTRIES: env.positiveInt(20_000),
  /** How long a read that names a stream position (the caller's own write) waits for this replica to catch up, before 503. */
  READ_YOUR_WRITES_WAIT_MS: env.milliseconds(2_000),
  /**
   * Tracing (OpenTelemetry), 0 to 1; 0 turns it off and starts nothing. The gateway decides
   * which requests are traced and this replica follows its decision; the ratio only applies
   * to requests that come with none (a program calling NATS directly).
   */
  TRACING_SAMPLE_RATIO: env.ratio(0),
  /** Where traces go: an OTLP/HTTP (protobuf) collector such as Jaeger; spans are sent to its /v1/traces. */
  OTEL_EXPORTER_OTLP_ENDPOINT: env.url('http://127.0.0.1:4318', /^https?:\/\//),
  /** Names this replica in logs and replies; defaults to host and pid. */
  REPLICA_ID: env.text(`${hostname()}-${process.pid}`),
}).refine((config) => (config.NATS_USER === undefined) === (config.NATS_PASSWORD === undefined), {
  error: 'NATS_USER and NATS_PASSWORD go together: set both or neither',
  path: ['NATS_PASSWORD'],
});

/** Every environment variable the books-service reads: deployments must set no other (tests/deploy/src/settings.spec.ts). */
export const BOOKS_SERVICE_SETTINGS: readonly string[] = Object.keys(schema.shape);

/** The books-service's validated configuration; inject it as `config: BooksServiceConfig`. */
export class BooksServiceConfig extends ConfigFrom(schema) {
  /** The database named in the path of MONGODB_URL (`/books` by default). */
  get databaseName(): string {
    return mongoDatabaseName(this.MONGODB_URL);
  }
}
