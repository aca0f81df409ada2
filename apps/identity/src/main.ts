import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { createMemoryAdapter } from 'oidc-provider/lib/adapters/memory_adapter.js';
import { pino, stdTimeFunctions } from 'pino';
import { ConfigError } from '@books/server-kit';
import { createUsersFileIfMissing, firstPasswordsFile } from './accounts/first-users';
import { UserDirectory } from './accounts/users';
import { loadClients } from './clients/clients';
import { cookieKeys, IdentityConfig } from './config/identity.config';
import { SettingsFileError } from './files';
import { Interactions } from './interactions/interactions';
import { createKeysFileIfMissing, loadKeys } from './keys/keys';
import { createProvider } from './provider/provider';

const log = pino({
  base: { service: 'identity' },
  level: process.env['LOG_LEVEL'] ?? 'info',
  timestamp: stdTimeFunctions.isoTime,
  formatters: { level: (label) => ({ level: label }) },
});

interface State {
  provider: Provider;
  users: UserDirectory;
}

/** Reads the users, clients and keys files and builds a provider from them; throws on a bad file. */
/**
 * oidc-provider's in-memory store, made once: each provider would otherwise make its own,
 * and a key rotation (SIGHUP) would sign everyone out. One process only (no replicas), and
 * a restart does sign everyone out; a shared store (Redis) would lift both limits.
 */
const adapter = createMemoryAdapter();

async function load(config: IdentityConfig, keysForCookies: string[]): Promise<State> {
  const users = UserDirectory.fromFile(config.IDENTITY_USERS_FILE);
  const clients = loadClients(config.IDENTITY_CLIENTS_FILE);
  const keys = loadKeys(config.IDENTITY_KEYS_FILE);
  const provider = createProvider({
    issuer: config.ISSUER,
    audience: config.API_AUDIENCE,
    accessTokenTtlS: config.ACCESS_TOKEN_TTL_S,
    cookieKeys: keysForCookies,
    users,
    clients,
    keys,
    proxy: config.TRUST_PROXY,
    adapter,
  });
  // oidc-provider checks a client's metadata when it first loads it: do that now, so a bad
  // clients file stops start-up instead of failing the first sign-in.
  for (const { client_id } of clients) {
    try {
      await provider.Client.find(client_id);
    } catch (error) {
      const { error_description, message } = error as { error_description?: string; message: string };
      throw new SettingsFileError(`The clients file ${config.IDENTITY_CLIENTS_FILE} is not valid: client ${client_id}: ${error_description ?? message}`);
    }
  }
  provider.on('server_error', (_ctx, error) => log.error({ err: error }, 'oidc-provider error'));
  // The client only hears "grant request is invalid"; the reason is for the operator.
  provider.on('grant.error', (_ctx, error) => log.info({ event: 'token-refused', error: error.message, detail: (error as { error_detail?: string }).error_detail }, 'token request refused'));
  return { provider, users };
}

/**
 * The identity provider (OpenID Connect) of the books catalogue: people sign in here, and
 * the gateway checks the access tokens it signs. See apps/identity/README.md.
 */
async function main(): Promise<void> {
  const config = new IdentityConfig();
  const cookies = cookieKeys(config);
  if (cookies.generated) log.warn('IDENTITY_COOKIE_KEYS is not set: made a key for this run; sign-in sessions end when the process does');
  if (config.IDENTITY_GENERATE_KEYS && createKeysFileIfMissing(config.IDENTITY_KEYS_FILE)) {
    log.warn(`No keys file: wrote a new signing key to ${config.IDENTITY_KEYS_FILE}`);
  }
  const firstUsers = config.IDENTITY_GENERATE_USERS ? await createUsersFileIfMissing(config.IDENTITY_USERS_FILE) : undefined;
  if (firstUsers) {
    const list = firstUsers.map(({ username, password }) => `${username} / ${password}`).join(', ');
    log.warn(`No users file: wrote the first users to ${config.IDENTITY_USERS_FILE}: ${list} (also in ${firstPasswordsFile(config.IDENTITY_USERS_FILE)}). Change them before others can reach the site.`);
  }
  let state = await load(config, cookies.keys);
  const interactions = new Interactions(() => state, log);

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/health/ready' || path === '/health/live') {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      response.end('{"status":"ok"}');
      return;
    }
    interactions.handle(request, response).then(
      (handled) => {
        if (!handled) void state.provider.callback()(request, response);
      },
      (error: unknown) => {
        log.error({ err: error }, 'request failed');
        if (!response.headersSent) response.writeHead(500).end();
      },
    );
  });

  // Key rotation without a restart: SIGHUP re-reads the three files and swaps in a provider
  // built from them. Sessions, grants and refresh tokens live in `adapter`, which every
  // provider in this process shares, so nobody is signed out. A bad file keeps the old
  // settings in force.
  process.on('SIGHUP', () => {
    load(config, cookies.keys).then(
      (next) => {
        state = next;
        log.info({ event: 'reloaded', kid: loadKeys(config.IDENTITY_KEYS_FILE).keys[0].kid }, 'SIGHUP: reloaded users, clients and keys');
      },
      (error: Error) => log.error({ err: error }, `SIGHUP: kept the old settings: ${error.message}`),
    );
  });
  const shutdown = (signal: string) => {
    log.info(`${signal}: closing`);
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));

  server.listen(config.PORT, config.HOST, () => log.info(`Identity provider listening on http://${config.HOST}:${config.PORT}, issuer ${config.ISSUER}`));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError || error instanceof SettingsFileError ? error.message : error);
  process.exit(1);
});
