import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ManagedProcess } from './process';
import { freePort } from './ports';
import { httpOk } from './wait';
import { WORKSPACE_ROOT } from './workspace';

export interface AppEnvironment {
  natsUrl: string;
  logDir: string;
  env?: Record<string, string | undefined>;
  echo?: boolean;
}

export interface HttpApp {
  url: string;
  port: number;
  process: ManagedProcess;
}

function builtEntry(app: string): string {
  const entry = join(WORKSPACE_ROOT, 'dist', 'apps', app, 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: build it first (npx nx build ${app})`);
  return entry;
}

/**
 * How the images run Node (deploy/docker/*.Dockerfile): the same flags here. The heap limits
 * keep V8 from growing the heap far past what is live: without them the gateway stays at
 * 170-250 MiB RSS after a burst of load; with them at ~145 MiB, and no slower (bench/README.md).
 * A books-service replica holds the whole catalogue in memory (about 1.5 KiB a book: 150 MiB
 * at 100,000 books), so its limit is sized for that with room to spare.
 */
export const NODE_FLAGS = {
  gateway: ['--max-semi-space-size=8', '--max-old-space-size=128', '--enable-source-maps'],
  'books-service': ['--max-semi-space-size=8', '--max-old-space-size=640', '--enable-source-maps'],
  identity: ['--max-semi-space-size=8', '--max-old-space-size=128', '--enable-source-maps'],
} as const;

/** One books-service replica, from its production build. */
export async function startBooksService(
  options: AppEnvironment & { mongoUrl: string; name: string },
): Promise<HttpApp> {
  const port = await freePort();
  const process = new ManagedProcess({
    name: options.name,
    command: globalThis.process.execPath,
    args: [...NODE_FLAGS['books-service'], builtEntry('books-service')],
    env: {
      NODE_ENV: 'production',
      NATS_URL: options.natsUrl,
      MONGODB_URL: options.mongoUrl,
      HTTP_PORT: String(port),
      REPLICA_ID: options.name,
      ...options.env,
    },
    logFile: join(options.logDir, `${options.name}.log`),
    echo: options.echo,
    ready: () => httpOk(`http://127.0.0.1:${port}/health/ready`),
  });
  await process.start();
  return { url: `http://127.0.0.1:${port}`, port, process };
}

/** An HTTP gateway, from its production build; `name` (default `gateway`) names its process and log. */
export async function startGateway(options: AppEnvironment & { port?: number; name?: string }): Promise<HttpApp> {
  const port = options.port ?? (await freePort());
  const name = options.name ?? 'gateway';
  const process = new ManagedProcess({
    name,
    command: globalThis.process.execPath,
    args: [...NODE_FLAGS.gateway, builtEntry('gateway')],
    // Sign-in is off unless a test or `npm start` asks for it (`AUTH: 'oidc'` with an issuer).
    env: { NODE_ENV: 'production', NATS_URL: options.natsUrl, PORT: String(port), HOST: '127.0.0.1', AUTH: 'off', ...options.env },
    logFile: join(options.logDir, `${name}.log`),
    echo: options.echo,
    ready: () => httpOk(`http://127.0.0.1:${port}/api/health/live`),
  });
  await process.start();
  return { url: `http://127.0.0.1:${port}`, port, process };
}
