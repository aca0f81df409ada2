import { ConnectionString } from 'mongodb-connection-string-url';
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

/**
 * A whole number written in decimal, nothing else: `Number('')` is 0 and `z.coerce.number()`
 * takes `''`, `' '` and `'0x10'`, so an empty or mistyped setting would pass as another value.
 */
const integer = (min: number, max: number) =>
  z
    .string()
    .regex(/^-?\d+$/, { error: (issue) => `must be a whole number, not ${JSON.stringify(issue.input)}` })
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

/** A decimal from 0 to 1 (`0`, `0.01`, `1`), nothing else: no `''`, `'.5'` or `'1e-2'`. */
const ratio = () =>
  z
    .string()
    .regex(/^(0|1)(\.\d+)?$/, { error: (issue) => `must be a number from 0 to 1, not ${JSON.stringify(issue.input)}` })
    .transform(Number)
    .pipe(z.number().min(0).max(1));

/** Each comma-separated part parses as a URL with a host, and matches `protocols`. */
const urls = (protocols: RegExp) =>
  z.string().refine(
    (value) =>
      value.split(',').every((part) => {
        const url = URL.parse(part.trim());
        return url !== null && url.host !== '' && protocols.test(part.trim());
      }),
    { error: (issue) => `must be a URL matching ${protocols.source} (or several, comma-separated), not ${JSON.stringify(issue.input)}` },
  );

/**
 * A MongoDB connection string, parsed as the driver parses it (seed lists, credentials and
 * options included), and then passed on unchanged.
 */
const mongoUrl = () =>
  z.string().superRefine((value, context) => {
    try {
      new ConnectionString(value);
    } catch (error) {
      context.addIssue({ code: 'custom', message: `must be a MongoDB connection string: ${(error as Error).message}` });
    }
  });

/**
 * Common parsers for environment variables, which are always text. Every one is strict: an
 * empty or malformed value is an error that names the variable, never a default or a 0.
 */
export const env = {
  logLevel: () => z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  port: (fallback: number) => integer(0, 65535).default(fallback),
  milliseconds: (fallback: number) => integer(1, 600_000).default(fallback),
  positiveInt: (fallback: number, max = Number.MAX_SAFE_INTEGER) => integer(1, max).default(fallback),
  /** 0 or more, for settings where 0 means "off". */
  count: (fallback: number) => integer(0, Number.MAX_SAFE_INTEGER).default(fallback),
  /** A share from 0 to 1, such as a sample ratio. */
  ratio: (fallback: number) => ratio().default(fallback),
  boolean: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'], { error: (issue) => `must be true or false, not ${JSON.stringify(issue.input)}` })
      .transform((v) => v === 'true' || v === '1')
      .default(fallback),
  /** Text that must not be empty (a host name, an id). */
  text: (fallback: string) => z.string().min(1, { error: 'must not be empty' }).default(fallback),
  url: (fallback: string, protocols: RegExp) => urls(protocols).default(fallback),
  /** Like `url`, for settings with no default (unset means "not used"). */
  optionalUrl: (protocols: RegExp) => urls(protocols).optional(),
  mongoUrl: (fallback: string) => mongoUrl().default(fallback),
  optionalMongoUrl: () => mongoUrl().optional(),
};
