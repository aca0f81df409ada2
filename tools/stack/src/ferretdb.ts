import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ManagedProcess } from './process';
import { freePort, tcpOpen } from './ports';
import { TOOLS_DIR, WORKSPACE_ROOT } from './workspace';

export interface MongoServer {
  /** Connection string without a database name; append `/<db>`. */
  url: string;
  port: number;
  process: ManagedProcess;
}

function ferretDbBinary(): string {
  const path = process.env['FERRETDB_BIN'] ?? join(TOOLS_DIR, 'bin', 'ferretdb');
  if (!existsSync(path)) throw new Error(`FerretDB is not installed at ${path}: run scripts/setup.sh first`);
  return path;
}

/**
 * FerretDB (a MongoDB wire-protocol server) on SQLite files in `dir`, on a free port.
 * It stands in for MongoDB where MongoDB cannot be installed; the code uses only what
 * both support.
 */
export async function startFerretDb(dir: string, logDir: string, name = 'ferretdb'): Promise<MongoServer> {
  // FerretDB writes state.json into its state dir (the working directory by default): never the repository.
  if (resolve(dir) === WORKSPACE_ROOT) throw new Error(`FerretDB's data folder must not be the repository root (${dir})`);
  const port = await freePort();
  mkdirSync(join(dir, 'sqlite'), { recursive: true });
  const process = new ManagedProcess({
    name,
    command: ferretDbBinary(),
    args: [
      '--handler=sqlite',
      `--sqlite-url=file:${join(dir, 'sqlite')}/`,
      `--state-dir=${dir}`,
      `--listen-addr=127.0.0.1:${port}`,
      '--debug-addr=-',
      '--telemetry=disable',
      `--log-level=${globalThis.process.env['FERRETDB_LOG_LEVEL'] ?? 'warn'}`,
    ],
    logFile: join(logDir, `${name}.log`),
    ready: () => tcpOpen(port),
  });
  await process.start();
  return { url: `mongodb://127.0.0.1:${port}`, port, process };
}
