import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { availableParallelism, cpus, release, totalmem } from 'node:os';
import { TOOLS_DIR } from '@books/stack';

export interface MachineInfo {
  /** os.availableParallelism(): the cores this process may use. */
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  kernel: string;
  node: string;
  servers: Record<string, string>;
}

/** The first line a server prints for its version (nginx prints it on stderr). */
function versionOf(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 5_000 });
  return `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n')[0] || 'unknown';
}

export function machineInfo(): MachineInfo {
  return {
    cores: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    node: process.version,
    servers: {
      nginx: versionOf('nginx', ['-v']),
      nats: versionOf(process.env['NATS_SERVER_BIN'] ?? 'nats-server', ['--version']),
      ferretdb: versionOf(process.env['FERRETDB_BIN'] ?? join(TOOLS_DIR, 'bin', 'ferretdb'), ['--version']),
    },
  };
}
