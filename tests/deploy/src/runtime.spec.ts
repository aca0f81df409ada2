import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { BOOK_EVENTS_STREAM } from '@books/contracts';
import {
  ARTIFACTS_DIR,
  freePort,
  httpOk,
  ManagedProcess,
  type MongoServer,
  startFerretDb,
  waitFor,
} from '@books/stack';
import { resolvedModel } from './support/compose';
import { all, commandForm, last, stageEnv } from './support/dockerfile';
import { type LocalNatsCluster, startComposeNatsCluster } from './support/nats-cluster';
import { imageFor, REPO, stagesOf } from './support/paths';

/**
 * What the Node images do, without Docker: copy the build output alone to a folder outside
 * the repository (so nothing resolves from the workspace's node_modules), run the deps
 * stage's own `npm ci` command there, and start the runtime stage's CMD with its ENV and
 * docker-compose.yml's settings, on docker-compose.yml's own NATS cluster (three nats-server
 * processes with its configuration, users and permissions: support/nats-cluster.ts) and a
 * MongoDB wire server (FerretDB). Proves the generated package.json is complete, the health
 * checks work, and the apps run on the cluster with the settings Compose gives them.
 */
const LOG_DIR = join(ARTIFACTS_DIR, 'logs', 'deploy-checks');
let dir: string;
let nats: LocalNatsCluster;
let mongo: MongoServer;
const apps: ManagedProcess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'deploy-checks-runtime-'));
  [nats, mongo] = await Promise.all([
    startComposeNatsCluster(resolvedModel(), join(dir, 'nats'), join(LOG_DIR, 'runtime')),
    startFerretDb(join(dir, 'ferretdb'), LOG_DIR),
  ]);
}, 60_000);
afterAll(async () => {
  for (const app of apps.reverse()) await app.stop();
  await Promise.all([nats?.stop(), mongo?.process.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The image's /app: the dist folder plus what the deps stage's RUN installs. */
function installLikeImage(service: 'gateway' | 'books-service' | 'identity'): string {
  const app = join(dir, service);
  cpSync(join(REPO, 'dist', 'apps', service), app, { recursive: true });
  const deps = stagesOf(imageFor(service)).find((stage) => stage.name === 'deps')!;
  const install = all(deps, 'RUN')[0].args;
  const result = spawnSync('sh', ['-c', install], { cwd: app, encoding: 'utf8', env: process.env, timeout: 180_000 });
  if (result.status !== 0) throw new Error(`${install} failed in ${app}:\n${result.stderr}`);
  return app;
}

/** Starts the runtime stage's CMD in `app`, with its ENV, Compose's environment, and local servers. */
async function startLikeImage(service: 'gateway' | 'books-service' | 'identity', app: string, env: Record<string, string>, readyPath: string) {
  const runtime = stagesOf(imageFor(service)).at(-1)!;
  const [command, ...args] = commandForm(last(runtime, 'CMD')!.args).argv;
  const composeEnv = resolvedModel().services[service].environment ?? {};
  const processEnv: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    ...stageEnv(runtime),
    ...(Object.fromEntries(Object.entries(composeEnv).filter(([, value]) => value !== null)) as Record<string, string>),
    ...env,
  };
  const port = processEnv['PORT'] ?? processEnv['HTTP_PORT'];
  // Only that environment: nothing of the tests' own (NODE_PATH, NODE_OPTIONS, ...) leaks in.
  const unset = Object.fromEntries(Object.keys(process.env).map((key) => [key, undefined]));
  const managed = new ManagedProcess({
    name: `${service}-image`,
    command: command === 'node' ? process.execPath : command,
    args,
    cwd: app,
    env: { ...unset, ...processEnv },
    logFile: join(LOG_DIR, `${service}.log`),
    ready: () => httpOk(`http://127.0.0.1:${port}${readyPath}`),
  });
  apps.push(managed);
  await managed.start();
  return { port, env: processEnv };
}

function healthcheckPasses(service: 'gateway' | 'books-service' | 'identity', env: Record<string, string>): boolean {
  const runtime = stagesOf(imageFor(service)).at(-1)!;
  const [command, ...args] = commandForm(last(runtime, 'HEALTHCHECK')!.args.replace(/^CMD\s+/, '')).argv;
  const result = spawnSync(command === 'node' ? process.execPath : command, args, { env, timeout: 10_000 });
  return result.status === 0;
}

let serviceEnv: Record<string, string>;
let gatewayUrl: string;

it('books-service: installs its runtime dependencies alone, and serves from the bundle', async () => {
  const app = installLikeImage('books-service');
  const { env } = await startLikeImage(
    'books-service',
    app,
    { NATS_URL: nats.url, MONGODB_URL: `${mongo.url}/books`, HTTP_PORT: String(await freePort()) },
    '/health/ready',
  );
  serviceEnv = env;
  expect(healthcheckPasses('books-service', env)).toBe(true);
  // It declared the event stream with Compose's EVENTS_REPLICAS: a copy on every node.
  const nc = await connect({ servers: nats.url.split(','), user: env['NATS_USER'], pass: env['NATS_PASSWORD'] });
  try {
    const { config, cluster } = await (await jetstreamManager(nc)).streams.info(BOOK_EVENTS_STREAM);
    expect(config.num_replicas).toBe(Number(env['EVENTS_REPLICAS']));
    expect([cluster?.leader, ...(cluster?.replicas ?? []).map((replica) => replica.name)].sort()).toEqual(nats.nodes.map((node) => node.service));
  } finally {
    await nc.close();
  }
}, 240_000);

it('gateway: installs its runtime dependencies alone, and reaches the books-service over NATS', async () => {
  const app = installLikeImage('gateway');
  const { port, env } = await startLikeImage('gateway', app, { NATS_URL: nats.url, HOST: '127.0.0.1', PORT: String(await freePort()) }, '/api/health/live');
  gatewayUrl = `http://127.0.0.1:${port}`;
  expect(healthcheckPasses('gateway', env)).toBe(true);
  await waitFor('the gateway to be ready', () => httpOk(`${gatewayUrl}/api/health/ready`));
  const response = await fetch(`${gatewayUrl}/api/books?limit=5`);
  expect(response.status).toBe(200);
  const page = await response.json();
  expect(page.total).toBe(42);
  expect(page.items).toHaveLength(5);
}, 240_000);

it('identity: installs its runtime dependencies alone, makes its signing key and its first users, and serves discovery', async () => {
  const app = installLikeImage('identity');
  const port = String(await freePort());
  const keysFile = join(dir, 'identity-data', 'keys.json');
  mkdirSync(dirname(keysFile), { recursive: true });
  // The compose service's files: the mounted deploy/identity, and a new (empty) data volume.
  const usersFile = join(dirname(keysFile), 'users.json');
  const { env } = await startLikeImage(
    'identity',
    app,
    {
      HOST: '127.0.0.1',
      PORT: port,
      ISSUER: `http://127.0.0.1:${port}`,
      IDENTITY_USERS_FILE: usersFile,
      IDENTITY_CLIENTS_FILE: join(REPO, 'deploy', 'identity', 'clients.json'),
      IDENTITY_KEYS_FILE: keysFile,
    },
    '/health/ready',
  );
  expect(healthcheckPasses('identity', env)).toBe(true);
  const discovery = await (await fetch(`http://127.0.0.1:${port}/.well-known/openid-configuration`)).json();
  expect(discovery.issuer).toBe(`http://127.0.0.1:${port}`);
  const jwks = await (await fetch(discovery.jwks_uri)).json();
  expect(jwks.keys).toEqual([expect.objectContaining({ kid: JSON.parse(readFileSync(keysFile, 'utf8')).keys[0].kid, alg: 'ES256' })]);
  expect(jwks.keys[0].d).toBeUndefined();
  expect(statSync(keysFile).mode & 0o777).toBe(0o600);
  // The first users, made on this volume with passwords of their own; only their hashes in the users file.
  const users = JSON.parse(readFileSync(usersFile, 'utf8')) as Array<{ username: string; roles: string[]; passwordHash: string }>;
  expect(users.map(({ username, roles }) => [username, roles])).toEqual([['admin', ['admin', 'editor']], ['editor', ['editor']], ['reader', []]]);
  const passwords = readFileSync(join(dirname(keysFile), 'initial-passwords.txt'), 'utf8');
  expect(passwords).toMatch(/^editor\t[\w-]{16}\t/m);
  expect(JSON.stringify(users)).not.toContain(/^editor\t([\w-]{16})/m.exec(passwords)![1]);
  expect(statSync(usersFile).mode & 0o777).toBe(0o600);
}, 240_000);

it('fails the health checks when nothing answers', async () => {
  const closed = String(await freePort());
  expect(healthcheckPasses('gateway', { PORT: closed })).toBe(false);
  expect(healthcheckPasses('books-service', { ...serviceEnv, HTTP_PORT: closed })).toBe(false);
  expect(healthcheckPasses('identity', { PORT: closed })).toBe(false);
});
