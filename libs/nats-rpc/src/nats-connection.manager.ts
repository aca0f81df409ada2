import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { type Observable, Subject, filter, firstValueFrom, timeout } from 'rxjs';
import { NATS_MODULE_OPTIONS } from './nats.module-definition';
import type { NatsModuleOptions } from './nats.options';

const DRAIN_TIMEOUT_MS = 5_000;
/**
 * How long a client told that its server is going away (lame duck mode) lets its requests in
 * flight have their replies before it moves. Within the server's grace period (1 s in the
 * stack) it still routes everything, and most replies take milliseconds.
 */
const MOVE_SETTLE_MS = 500;

/**
 * Owns the process's one NATS connection: RPC, replies and JetStream all share it.
 * It waits for the first server and then reconnects forever, because a replica that
 * gives up on NATS is useless; `connected` lets callers fail fast while it is away.
 */
@Injectable()
export class NatsConnectionManager implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(NatsConnectionManager.name);
  private nc?: NatsConnection;
  private isConnected = false;
  /** When the connection last dropped. */
  private disconnectedAt = 0;
  /** Since the server announced lame duck mode, until the client is on another one. */
  private moving = false;
  /** Requests sent and not answered yet: replies a move would lose (see `track`). */
  private readonly awaitingReplies = new Set<Promise<unknown>>();
  private readonly changes = new Subject<boolean>();

  /** Emits false when the connection drops and true when it is back. */
  readonly connectionChanges: Observable<boolean> = this.changes.asObservable();

  constructor(@Inject(NATS_MODULE_OPTIONS) private readonly options: NatsModuleOptions) {}

  /** Nest awaits this before anything handles a request, so `connection` is there from then on. */
  async onModuleInit(): Promise<void> {
    this.nc = await connect({
      servers: this.options.servers.split(',').map((s) => s.trim()),
      name: this.options.name,
      user: this.options.user,
      pass: this.options.pass,
      waitOnFirstConnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      reconnectJitter: 100,
      pingInterval: 10_000,
      // No stack trace captured at every request for errors that almost never happen: it
      // was a tenth of the gateway's CPU. Failures still come with their error types.
      noAsyncTraces: true,
    });
    this.isConnected = true;
    this.logger.log(`Connected to NATS at ${this.nc.getServer()}`);
    void this.watch(this.nc);
  }

  get connection(): NatsConnection {
    if (!this.nc) throw new Error('NATS is not connected yet');
    return this.nc;
  }

  /** False while the connection is down and the client is trying to get it back. */
  get connected(): boolean {
    return this.isConnected && !!this.nc && !this.nc.isClosed();
  }

  /**
   * Resolves true once connected: at once while connected, else if the client is back within
   * `graceMs` of losing the connection. Given a cluster, it moves to another node in
   * milliseconds (the node it was on restarting, say): worth a short wait. A NATS that stays
   * away is down, and callers fail fast from then on.
   */
  async reconnected(graceMs: number): Promise<boolean> {
    if (this.connected && !this.moving) return true;
    const left = this.disconnectedAt + graceMs - Date.now();
    if (left <= 0) return false;
    return firstValueFrom(this.changes.pipe(filter(Boolean), timeout({ first: left }))).then(
      () => true,
      () => false,
    );
  }

  /**
   * Counts a request (an RPC, a JetStream write waiting for its ack) until its reply or failure
   * is in. A reply is addressed to this client's inbox, which is nowhere in the cluster for the
   * few milliseconds the client takes to move to another server: a move waits for these first.
   */
  track<T>(request: Promise<T>): Promise<T> {
    this.awaitingReplies.add(request);
    void request.then(
      () => this.awaitingReplies.delete(request),
      () => this.awaitingReplies.delete(request),
    );
    return request;
  }

  async onApplicationShutdown(): Promise<void> {
    const nc = this.nc;
    if (!nc || nc.isClosed()) return;
    // drain() flushes what is buffered (replies, event publishes) before closing; it cannot
    // while the server is away, and shutdown must not wait for a server that may not return.
    if (this.connected) {
      const drained = nc.drain().then(
        () => true,
        () => false,
      );
      const timedOut = new Promise<boolean>((resolve) => setTimeout(resolve, DRAIN_TIMEOUT_MS, false).unref());
      if (await Promise.race([drained, timedOut])) {
        this.logger.log('Drained and closed the NATS connection');
        return;
      }
      this.logger.warn('NATS drain did not finish; closing');
    }
    await nc.close();
    this.logger.log('Closed the NATS connection');
  }

  private async watch(nc: NatsConnection): Promise<void> {
    for await (const status of nc.status()) {
      switch (status.type) {
        case 'disconnect':
          this.isConnected = false;
          this.disconnectedAt = Date.now();
          this.changes.next(false);
          this.logger.warn(`Lost NATS connection to ${status.server}`);
          break;
        case 'reconnect':
          this.isConnected = true;
          this.moving = false;
          this.changes.next(true);
          this.logger.log(`Reconnected to NATS at ${status.server}`);
          break;
        case 'ldm':
          void this.moveOff(nc);
          break;
        case 'error':
          this.logger.error(`NATS error: ${status.error.message}`);
          break;
      }
    }
  }

  /**
   * The server is going away (lame duck mode: a node of a cluster being restarted) and will
   * close this connection after its grace period. Moving before that, while it still routes
   * messages, loses nothing if done in order: new requests wait for the move (`reconnected`),
   * the ones in flight get their replies here, and only then does the client move, on another
   * node within milliseconds.
   */
  private async moveOff(nc: NatsConnection): Promise<void> {
    if (this.moving) return;
    this.moving = true;
    this.disconnectedAt = Date.now();
    const inFlight = this.awaitingReplies.size;
    this.logger.log(`The NATS server is shutting down (lame duck mode); moving to another server once ${inFlight} request(s) in flight are answered`);
    const deadline = Date.now() + MOVE_SETTLE_MS;
    // The flush's round trip also takes in what the server sent before it (requests, for a responder).
    let settled: Promise<unknown> = nc.flush().catch(() => undefined);
    // Requests started meanwhile (a handler's JetStream write) are waited for too.
    do {
      await Promise.race([settled, sleep(deadline - Date.now(), undefined, { ref: false })]);
      settled = Promise.allSettled([...this.awaitingReplies]);
    } while (this.awaitingReplies.size > 0 && Date.now() < deadline);
    try {
      await nc.reconnect();
    } catch (error) {
      this.moving = false;
      this.logger.warn(`Could not move to another NATS server: ${(error as Error).message}`);
    }
  }
}
