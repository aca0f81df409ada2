import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ManagedProcess } from './process';
import { freePort, tcpOpen } from './ports';
import { httpOk } from './wait';

export interface NatsServer {
  url: string;
  port: number;
  process: ManagedProcess;
}

function natsServerBinary(): string {
  if (process.env['NATS_SERVER_BIN']) return process.env['NATS_SERVER_BIN'];
  return ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((path) => existsSync(path)) ?? 'nats-server';
}

/**
 * A private nats-server with JetStream, on free ports, storing in `dir`. Restarting it
 * keeps the port and the stored streams, like a real server restart.
 */
export async function startNats(dir: string, logDir: string, name = 'nats'): Promise<NatsServer> {
  const [port, monitorPort] = await Promise.all([freePort(), freePort()]);
  mkdirSync(join(dir, 'jetstream'), { recursive: true });
  const process = new ManagedProcess({
    name,
    command: natsServerBinary(),
    args: ['-a', '127.0.0.1', '-p', String(port), '-m', String(monitorPort), '-js', '-sd', join(dir, 'jetstream'), '--server_name', name],
    logFile: join(logDir, `${name}.log`),
    ready: async () => (await tcpOpen(port)) && httpOk(`http://127.0.0.1:${monitorPort}/healthz?js-enabled-only=true`),
  });
  await process.start();
  return { url: `nats://127.0.0.1:${port}`, port, process };
}
