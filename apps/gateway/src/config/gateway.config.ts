import { z } from 'zod';
import { env, loadConfig } from '@books/server-kit';

const schema = z.object({
  PORT: env.port(3000),
  HOST: z.string().default('0.0.0.0'),
  NATS_URL: env.url('nats://127.0.0.1:4222', /^(nats|tls):\/\/.+/),
  /** Deadline for one books-service request; past it the client gets 504. */
  NATS_REQUEST_TIMEOUT_MS: env.milliseconds(3_000),
});

type Env = z.output<typeof schema>;

/** The validated configuration; also its injection token: `constructor(config: GatewayConfig)`. */
export abstract class GatewayConfig {}
export interface GatewayConfig extends Env {}

export function loadGatewayConfig(environment: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(schema, environment);
}
