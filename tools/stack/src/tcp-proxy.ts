import { type Server, type Socket, connect, createServer } from 'node:net';
import { freePort } from './ports';

/**
 * A TCP relay between a client and a server that a test can freeze: while frozen, bytes
 * from the client are held back (the client sees its writes succeed, the server sees
 * nothing), which is how a test stops a process in the middle of talking to NATS.
 */
export class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private frozen = false;
  private freezeMarker?: Buffer;
  private readonly held: Array<() => void> = [];
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(target);
    proxy.port = await freePort();
    await new Promise<void>((resolve) => {
      proxy.server = createServer((client) => proxy.relay(client)).listen(proxy.port, '127.0.0.1', resolve);
    });
    return proxy;
  }

  /** Holds back everything clients send from now on. */
  freezeClientToServer(): void {
    this.frozen = true;
  }

  /**
   * Lets client bytes through until `marker` appears in them, then freezes from the marker on:
   * stops a process just before it sends a given command (say, a publish on a subject).
   */
  freezeClientToServerAt(marker: string): void {
    this.freezeMarker = Buffer.from(marker);
  }

  thaw(): void {
    this.frozen = false;
    for (const release of this.held.splice(0)) release();
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private relay(client: Socket): void {
    const upstream = connect(this.target);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
    }
    client.on('data', (chunk: Buffer) => {
      const at = !this.frozen && this.freezeMarker ? chunk.indexOf(this.freezeMarker) : -1;
      if (at >= 0) {
        upstream.write(chunk.subarray(0, at));
        this.frozen = true;
        this.freezeMarker = undefined;
        chunk = chunk.subarray(at);
      }
      if (this.frozen) this.held.push(() => upstream.write(chunk));
      else upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  }
}
