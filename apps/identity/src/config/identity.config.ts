import { randomBytes } from 'node:crypto';
import * as z from 'zod';
import { ConfigFrom, env } from '@books/server-kit';

const schema = z
  .object({
    NODE_ENV: z.string().default('development'),
    PORT: env.port(3100),
    HOST: env.text('0.0.0.0'),
    LOG_LEVEL: env.logLevel(),
    /** The public URL browsers and token checkers see; every token's `iss`. No trailing slash. */
    ISSUER: env.url('http://127.0.0.1:3100', /^https?:\/\/[^,]+[^/,]$/),
    IDENTITY_USERS_FILE: env.text('deploy/identity/users.json'),
    IDENTITY_CLIENTS_FILE: env.text('deploy/identity/clients.json'),
    IDENTITY_KEYS_FILE: env.text('deploy/identity/keys.json'),
    /** When the keys file does not exist, make one with a new signing key (docker-compose.yml does). */
    IDENTITY_GENERATE_KEYS: env.boolean(false),
    /**
     * When the users file does not exist, make one with an admin, an editor and a reader with new
     * random passwords, logged once and kept in initial-passwords.txt beside it (docker-compose.yml does).
     */
    IDENTITY_GENERATE_USERS: env.boolean(false),
    ACCESS_TOKEN_TTL_S: env.positiveInt(300, 86_400),
    /** The `aud` of every access token: the books API (the gateway checks it). */
    API_AUDIENCE: env.text('books-api'),
    /**
     * Keys that sign the session cookies, comma-separated; the first signs, all verify (put a
     * new one first to rotate). Required in production; a local run makes one per start.
     */
    IDENTITY_COOKIE_KEYS: z
      .string()
      .transform((value) => value.split(',').map((key) => key.trim()).filter(Boolean))
      .pipe(z.array(z.string().min(32, { error: 'each cookie key must be at least 32 characters' })).min(1, { error: 'must hold at least one key' }))
      .optional(),
    /** Behind Nginx or a load balancer: believe X-Forwarded-Proto/-Host for the URLs it builds. */
    TRUST_PROXY: env.boolean(true),
  })
  .refine((config) => config.NODE_ENV !== 'production' || config.IDENTITY_COOKIE_KEYS !== undefined, {
    error: 'is required in production (comma-separated random strings of 32+ characters, e.g. `openssl rand -base64 32`)',
    path: ['IDENTITY_COOKIE_KEYS'],
  });

/** Every environment variable the identity provider reads: deployments must set no other (tests/deploy/src/settings.spec.ts). */
export const IDENTITY_SETTINGS: readonly string[] = Object.keys(schema.shape);

/** The identity provider's validated configuration. */
export class IdentityConfig extends ConfigFrom(schema) {}

/** The cookie keys to use: the configured ones, or one made now (sessions then end with the process). */
export function cookieKeys(config: IdentityConfig): { keys: string[]; generated: boolean } {
  if (config.IDENTITY_COOKIE_KEYS) return { keys: config.IDENTITY_COOKIE_KEYS, generated: false };
  return { keys: [randomBytes(32).toString('base64url')], generated: true };
}
