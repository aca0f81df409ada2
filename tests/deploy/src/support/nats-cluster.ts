import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, httpOk, ManagedProcess } from '@books/stack';
import type { ComposeModel } from './compose';

/** One nats-server of docker-compose.yml, run here as a local process. */
export interface LocalNatsNode {
  /** The compose service: `nats-1`. */
  service: string;
  process: ManagedProcess;
  /** Where clients connect: `nats://127.0.0.1:<port>`. */
  url: string;
  /** The monitoring endpoint: `http://127.0.0.1:<port>`. */
  monitor: string;
  /** Where the other nodes' routes come in. */
  routePort: number;
  /** The folder standing in for the node's volume (its JetStream store). */
  volume: string;
  logFile: string;
}

export interface LocalNatsCluster {
  nodes: LocalNatsNode[];
  /** Every node's client URL, comma-separated, as the apps' NATS_URL lists them. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts docker-compose.yml's NATS nodes (the services whose image is `nats:`) as local
 * nats-server processes, from their own commands, environments and mounted configuration,
 * rewriting only what a container has to itself: the service host names and the ports (each
 * node gets free ones on 127.0.0.1), and the mount points (a copy of each bind-mounted folder
 * and an empty folder for each volume). If the cluster config in the file is wrong, the nodes
 * started this way are wrong in the same way.
 */
export async function startComposeNatsCluster(model: ComposeModel, dir: string, logDir: string): Promise<LocalNatsCluster> {
  const services = Object.keys(model.services)
    .filter((name) => model.services[name].image?.startsWith('nats:'))
    .sort();
  const ports = new Map<string, { client: number; monitor: number; cluster: number }>();
  const taken = new Set<number>();
  // The OS may hand out a port it just handed out (each is closed at once): take nine different ones.
  const port = async (): Promise<number> => {
    const candidate = await freePort();
    if (taken.has(candidate)) return port();
    taken.add(candidate);
    return candidate;
  };
  for (const service of services) ports.set(service, { client: await port(), monitor: await port(), cluster: await port() });

  const nodes = services.map((service): LocalNatsNode => {
    const spec = model.services[service];
    const own = ports.get(service)!;
    // Each mount point becomes a folder of this node's own (a copy, so each node's config can differ in its port).
    const mounts = (spec.volumes ?? []).map((mount) => {
      const local = join(dir, service, mount.target.replaceAll('/', '_'));
      if (mount.type === 'bind') cpSync(mount.source!, local, { recursive: true });
      else mkdirSync(local, { recursive: true });
      return { target: mount.target, local };
    });
    const local = (path: string) => {
      const mount = mounts.find(({ target }) => path === target || path.startsWith(`${target}/`));
      return mount ? mount.local + path.slice(mount.target.length) : path;
    };
    const volume = mounts.find(({ target }) => spec.volumes!.some((mount) => mount.type === 'volume' && mount.target === target))!.local;
    const [command, ...args] = spec.command!;
    // The cluster block's `listen` (the only one in the file) takes this node's cluster port.
    const config = local(args[args.indexOf('--config') + 1]);
    writeFileSync(config, readFileSync(config, 'utf8').replace(/^(\s+listen: )[\d.]+:\d+$/m, `$1127.0.0.1:${own.cluster}`));
    const rewritten = args.map((arg, index) => {
      if (args[index - 1] === '--http_port') return String(own.monitor);
      if (args[index - 1] === '--routes') {
        return arg.replace(/@([\w-]+):(\d+)/g, (route, host: string) => (ports.has(host) ? `@127.0.0.1:${ports.get(host)!.cluster}` : route));
      }
      return local(arg);
    });
    const healthcheck = spec.healthcheck!.test!.find((part) => part.startsWith('http://'))!.replace(`:${args[args.indexOf('--http_port') + 1]}/`, `:${own.monitor}/`);
    const logFile = join(logDir, `${service}.log`);
    const process_ = new ManagedProcess({
      name: service,
      command,
      // The client port is nats-server's default (4222) in the containers.
      args: [...rewritten, '--port', String(own.client)],
      env: { PATH: `/usr/sbin:/usr/bin:/bin:${process.env['PATH'] ?? ''}`, ...(spec.environment as Record<string, string>) },
      logFile,
      ready: () => httpOk(healthcheck),
    });
    return { service, process: process_, url: `nats://127.0.0.1:${own.client}`, monitor: `http://127.0.0.1:${own.monitor}`, routePort: own.cluster, volume, logFile };
  });
  // All at once, as `docker compose up` starts them: each waits for its routes to the others.
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.process.stop()));
  };
  try {
    await Promise.all(nodes.map((node) => node.process.start()));
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes, url: nodes.map((node) => node.url).join(','), stop };
}
