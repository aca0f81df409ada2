import * as z from 'zod';
import { env, loadConfig } from '@books/server-kit';

const schema = z.object({
  /** Where Nginx serves the app. */
  WEB_PORT: env.port(8080),
  WEB_HOST: env.text('127.0.0.1'),
  /** Host names the site answers to (space-separated); any other Host gets 421. */
  SERVER_NAMES: env.text('localhost 127.0.0.1'),
  /** The gateway behind Nginx (3000 is where `nx serve web` proxies /api). */
  GATEWAY_PORT: env.port(3000),
  /** The identity provider (sign-in); its issuer is http://127.0.0.1:<port>. */
  IDENTITY_PORT: env.port(3100),
  /** books-service replicas; more than fit on a laptop is a typo. */
  REPLICAS: env.positiveInt(3, 32),
  /**
   * NATS servers to start: 3 makes a JetStream cluster and gives the event stream 3 replicas.
   * JetStream keeps at most 5 copies of a stream.
   */
  NATS_NODES: env.positiveInt(1, 5),
  /** Use these servers instead of starting them. */
  NATS_URL: env.optionalUrl(/^(nats|tls):\/\/.+/),
  MONGODB_URL: env.optionalMongoUrl(),
  /** The share of requests traced; above 0, Jaeger starts too (its UI on JAEGER_PORT). */
  TRACING_SAMPLE_RATIO: env.ratio(0),
  JAEGER_PORT: env.port(16686),
  /** Restart a server that dies, with backoff (like Compose's `restart: unless-stopped`). */
  RESTART: env.boolean(true),
}).refine((settings) => !(settings.NATS_URL && settings.NATS_NODES > 1), {
  error: 'NATS_NODES starts servers and NATS_URL names servers to use instead: set one of them',
  path: ['NATS_NODES'],
});

/** `npm start`'s settings, checked like the apps' own: a bad one stops start-up, named. */
export type StartSettings = z.output<typeof schema>;

export function loadStartSettings(environment: NodeJS.ProcessEnv = process.env): StartSettings {
  return loadConfig(schema, environment);
}
