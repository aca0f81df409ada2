import { generateKeyPair, type JsonWebKey, randomBytes, randomUUID, scrypt } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { NODE_FLAGS } from './apps';
import { ManagedProcess } from './process';
import { freePort } from './ports';
import { httpOk, waitFor } from './wait';
import { WORKSPACE_ROOT } from './workspace';

export interface IdentityUser {
  subject: string;
  username: string;
  name: string;
  roles: string[];
  /** The plain password, for tests and the `npm start` banner only; the IdP sees its hash. */
  password: string;
}

export interface IdentityClient {
  client_id: string;
  client_name: string;
  /** Only for confidential clients. */
  client_secret?: string;
  token_endpoint_auth_method: string;
  grant_types: string[];
  redirect_uris?: string[];
  post_logout_redirect_uris?: string[];
  roles?: string[];
}

/** A private signing key as the IdP's keys file holds it (`kid`, `alg` and the private parts). */
export type PrivateSigningJwk = JsonWebKey & { kid: string; alg: string };

export interface IdentityOptions {
  /** Where the users, clients, keys and cookie-key files go; existing ones are kept (npm start). */
  dataDir: string;
  logDir: string;
  /** The web app's redirect URIs (also its post-logout redirect URIs), for the `books-web` client. */
  webRedirectUris?: string[];
  port?: number;
  /** Signing algorithm of generated keys (default ES256). */
  alg?: 'ES256' | 'RS256';
  accessTokenTtlS?: number;
  env?: Record<string, string | undefined>;
  echo?: boolean;
}

export interface IdentityServer {
  /** The issuer: `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  issuer: string;
  port: number;
  process: ManagedProcess;
  /** By username: editor, reader, admin. */
  users: Record<'editor' | 'reader' | 'admin', IdentityUser>;
  /** By client id: books-web (public), books-cli (confidential, with its secret). */
  clients: Record<'books-web' | 'books-cli', IdentityClient>;
  keysFile: string;
  /** The private keys in the keys file, the signing one first, as it stands now. */
  readonly keys: PrivateSigningJwk[];
  /**
   * Rotates the signing key: writes a keys file with a new key first (keeping the old ones
   * unless `dropOld`), then has the IdP re-read it (SIGHUP, or `restart: true` for a
   * restart), and waits until jwks_uri shows the new key. Returns the new key.
   */
  rotateKeys(options?: { dropOld?: boolean; restart?: boolean }): Promise<PrivateSigningJwk>;
}

/** The API audience every access token carries (apps/identity API_AUDIENCE). */
export const IDENTITY_AUDIENCE = 'books-api';

const SAMPLE_USERS: Omit<IdentityUser, 'password' | 'subject'>[] = [
  { username: 'editor', name: 'Edith Editor', roles: ['editor'] },
  { username: 'reader', name: 'Rita Reader', roles: [] },
  { username: 'admin', name: 'Ada Admin', roles: ['admin', 'editor'] },
];

/** The IdP's hash format (apps/identity/src/accounts/password.ts), at its lowest accepted cost: the stack makes many. */
async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const [N, r, p] = [2 ** 14, 8, 1];
  const hash = await new Promise<Buffer>((resolve, reject) => scrypt(password, salt, 32, { N, r, p }, (error, key) => (error ? reject(error) : resolve(key))));
  return ['scrypt', N, r, p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/**
 * A new private JWK. node:crypto rather than jose: the stack runs inside Jest, which cannot
 * require() an ES module such as jose without --experimental-vm-modules.
 */
async function newSigningKey(alg: 'ES256' | 'RS256'): Promise<PrivateSigningJwk> {
  const { privateKey } = await (alg === 'ES256'
    ? promisify(generateKeyPair)('ec', { namedCurve: 'P-256' })
    : promisify(generateKeyPair)('rsa', { modulusLength: 2048 }));
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg, use: 'sig' };
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
// Secrets on disk: readable by their owner only.
const writeJson = (path: string, value: unknown) => writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });

/**
 * The identity provider (apps/identity, its production build) with users, clients and a
 * signing key generated into `dataDir` on first start and reused after, so passwords
 * survive a restart of `npm start`.
 */
export async function startIdentity(options: IdentityOptions): Promise<IdentityServer> {
  const entry = join(WORKSPACE_ROOT, 'dist', 'apps', 'identity', 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build it first (npx nx build identity)`);
  const alg = options.alg ?? 'ES256';
  const dir = options.dataDir;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = {
    users: join(dir, 'users.json'),
    plainUsers: join(dir, 'users.passwords.json'),
    clients: join(dir, 'clients.json'),
    plainClients: join(dir, 'clients.secrets.json'),
    keys: join(dir, 'keys.json'),
    cookieKeys: join(dir, 'cookie-keys.txt'),
  };

  if (!existsSync(files.plainUsers)) {
    const users = SAMPLE_USERS.map((user) => ({ ...user, subject: randomUUID(), password: randomBytes(12).toString('base64url') }));
    writeJson(files.users, await Promise.all(users.map(async ({ password, ...user }) => ({ ...user, passwordHash: await hashPassword(password) }))));
    writeJson(files.plainUsers, users);
  }
  const redirectUris = options.webRedirectUris ?? ['http://127.0.0.1:4200/'];
  // The web client follows the redirect URIs asked for now (the port may change between runs); the CLI's secret stays.
  const previous = existsSync(files.plainClients) ? readJson<IdentityClient[]>(files.plainClients) : [];
  const clients: IdentityClient[] = [
    {
      client_id: 'books-web',
      client_name: 'Books catalogue',
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: redirectUris,
      post_logout_redirect_uris: redirectUris,
    },
    {
      client_id: 'books-cli',
      client_name: 'Books command line',
      client_secret: previous.find((client) => client.client_id === 'books-cli')?.client_secret ?? randomBytes(32).toString('base64url'),
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      // The import and export commands' client: importing needs admin.
      roles: ['admin', 'editor'],
    },
  ];
  writeJson(files.clients, clients);
  writeJson(files.plainClients, clients);
  if (!existsSync(files.keys)) writeJson(files.keys, { keys: [await newSigningKey(alg)] });
  if (!existsSync(files.cookieKeys)) writeFileSync(files.cookieKeys, randomBytes(32).toString('base64url'), { mode: 0o600 });

  const port = options.port ?? (await freePort());
  const issuer = `http://127.0.0.1:${port}`;
  const process = new ManagedProcess({
    name: 'identity',
    command: globalThis.process.execPath,
    args: [...NODE_FLAGS.identity, entry],
    env: {
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      ISSUER: issuer,
      IDENTITY_USERS_FILE: files.users,
      IDENTITY_CLIENTS_FILE: files.clients,
      IDENTITY_KEYS_FILE: files.keys,
      IDENTITY_COOKIE_KEYS: readFileSync(files.cookieKeys, 'utf8').trim(),
      ACCESS_TOKEN_TTL_S: String(options.accessTokenTtlS ?? 300),
      API_AUDIENCE: IDENTITY_AUDIENCE,
      ...options.env,
    },
    logFile: join(options.logDir, 'identity.log'),
    echo: options.echo,
    ready: () => httpOk(`${issuer}/health/ready`),
  });
  await process.start();

  const plainUsers = readJson<IdentityUser[]>(files.plainUsers);
  const currentKeys = () => readJson<{ keys: PrivateSigningJwk[] }>(files.keys).keys;
  return {
    url: issuer,
    issuer,
    port,
    process,
    users: Object.fromEntries(plainUsers.map((user) => [user.username, user])) as IdentityServer['users'],
    clients: Object.fromEntries(clients.map((client) => [client.client_id, client])) as IdentityServer['clients'],
    keysFile: files.keys,
    get keys() {
      return currentKeys();
    },
    async rotateKeys({ dropOld = false, restart = false } = {}) {
      const key = await newSigningKey(alg);
      writeJson(files.keys, { keys: [key, ...(dropOld ? [] : currentKeys())] });
      if (restart) await process.restart();
      else if (process.pid) globalThis.process.kill(process.pid, 'SIGHUP');
      await waitFor(`the IdP to publish key ${key.kid}`, async () => {
        const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as { jwks_uri: string };
        const jwks = (await (await fetch(discovery.jwks_uri)).json()) as { keys: { kid: string }[] };
        return jwks.keys[0]?.kid === key.kid;
      });
      return key;
    },
  };
}
