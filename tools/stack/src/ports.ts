import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';

/**
 * A TCP port that was free a moment ago. Chosen below the kernel's ephemeral range, from which
 * outgoing connections take their local ports: a server restarted on a port from that range
 * can find it taken by some client's connection (EADDRINUSE; a replica of a test once could
 * not come back for seconds that way).
 */
export async function freePort(): Promise<number> {
  const [low, high] = listeningRange();
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (await canListen(port)) return port;
  }
  throw new Error(`No free port between ${low} and ${high}`);
}

/** Ports for servers: from 10000 up to where the ephemeral range starts (32768 on Linux by default). */
function listeningRange(): [number, number] {
  try {
    const [ephemeralLow] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (ephemeralLow > 11_000) return [10_000, ephemeralLow];
  } catch {
    // Not Linux: the usual start of the range.
  }
  return [10_000, 32_768];
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    // Every address, as the servers listen: a port taken on any interface is not free.
    server.listen(port, () => server.close(() => resolve(true)));
  });
}

/** True when something accepts TCP connections on the port. */
export function tcpOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
