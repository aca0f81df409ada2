import * as z from 'zod';

/**
 * Reads the environment once, at start-up, into a typed object. A bad value stops the
 * process with a message that names the variable, instead of failing on first use.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(env)'}: ${issue.message}`);
  throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
}

/**
 * Makes a configuration class from an environment schema: `new Config()` reads and checks
 * process.env, and the class doubles as the Nest injection token.
 *
 *   export class GatewayConfig extends ConfigFrom(schema) {}
 */
export function ConfigFrom<S extends z.ZodObject>(schema: S) {
  return class {
    constructor(environment: NodeJS.ProcessEnv = process.env) {
      Object.assign(this, loadConfig(schema, environment));
    }
  } as new (environment?: NodeJS.ProcessEnv) => Readonly<z.output<S>>;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Common parsers for environment variables, which are always text. */
export const env = {
  logLevel: () => z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  milliseconds: (fallback: number) => z.coerce.number().int().min(1).max(600_000).default(fallback),
  positiveInt: (fallback: number) => z.coerce.number().int().min(1).default(fallback),
  boolean: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
      .transform((v) => v === 'true' || v === '1')
      .default(fallback),
  url: (fallback: string, protocols: RegExp) =>
    z
      .string()
      .default(fallback)
      .refine((value) => value.split(',').every((part) => protocols.test(part.trim())), {
        error: `must be a URL matching ${protocols.source}`,
      }),
};
