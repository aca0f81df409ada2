import { Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

/** How long a stopping gateway keeps serving the connections it has before it closes them (see ShutdownDrain). */
export const DRAIN_MS = 1_000;

/**
 * The first step of a graceful stop, before Nest closes the server. The gateway stops taking
 * connections, so Nginx sends new ones to the other gateway, whatever their method (a refused
 * connection carried nothing). For DRAIN_MS it goes on serving the connections it has, each
 * response closing its connection, so Nginx's keep-alive connections to it are retired after a
 * complete exchange. Closed at once instead, an idle one could be closed just as Nginx sends a
 * request on it, and Nginx does not resend a POST or PATCH it has sent (the gateway may have
 * acted on it): the client would get an error.
 */
@Injectable()
export class ShutdownDrain implements BeforeApplicationShutdown {
  private isDraining = false;

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  get draining(): boolean {
    return this.isDraining;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.isDraining = true;
    // net.Server's close, not http.Server's: that one would also close the idle keep-alive
    // connections at once. Fastify's own close comes later, and closes what is left.
    const server: Server | undefined = this.adapterHost.httpAdapter?.getHttpServer();
    if (server?.listening) Server.prototype.close.call(server);
    await sleep(DRAIN_MS);
  }
}
