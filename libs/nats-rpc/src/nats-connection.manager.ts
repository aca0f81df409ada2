import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { type Observable, Subject, filter, firstValueFrom, timeout } from 'rxjs';
import { NATS_MODULE_OPTIONS } from './nats.module-definition';
import type { NatsModuleOptions } from './nats.options';

const DRAIN_TIMEOUT_MS = 5_000;
/**
 * How long a client told that its server is going away (lame duck mode) lets the requests in
 * flight, its own and those it is answering, have their replies before it moves. Within the
 * server's grace period (1 s in the stack, 10 s by default) it still routes everything, and
 * most replies take milliseconds.
 */
const MOVE_SETTLE_MS = 500;

/**
 * Something that answers requests on this connection (the RPC server's queue subscriptions).
 * A request on its way to a connection that closes is lost, so before a move it stops taking
 * requests on this server (the other members of its queue group take them) and answers the
 * ones it took; on the new server it takes requests again.
 */
export interface Responder {
  /** Stops taking requests here; resolves once those already taken are answered. */
  pause(): Promise<void>;
  /** Takes requests again, on whatever server the connection is on now. */
  resume(): void;
}

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
  private readonly responders = new Set<Responder>();
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

  /** Has `responder` stop taking requests before each move to another server, and take them again after it. */
  addResponder(responder: Responder): void {
    this.responders.add(responder);
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
          this.arrived();
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
   * messages, loses nothing if done in order: the responders stop taking requests here, the
   * requests in flight both ways get their replies, and only then does the client move, on
   * another node within milliseconds; new requests wait for the move (`reconnected`).
   */
  private async moveOff(nc: NatsConnection): Promise<void> {
    if (this.moving) return;
    this.moving = true;
    this.disconnectedAt = Date.now();
    this.logger.log(`The NATS server is shutting down (lame duck mode); moving to another server once ${this.awaitingReplies.size} request(s) in flight are answered`);
    const deadline = Date.now() + MOVE_SETTLE_MS;
    const untilDeadline = (work: Promise<unknown>) => Promise.race([work, sleep(deadline - Date.now(), undefined, { ref: false })]);
    // Pausing drains the responders' subscriptions, which takes in every request the server
    // routed here before it had their UNSUBs; it resolves once those are answered.
    await untilDeadline(Promise.allSettled([...this.responders].map((responder) => responder.pause())));
    // Requests started meanwhile (a handler's JetStream write) are waited for too.
    while (this.awaitingReplies.size > 0 && Date.now() < deadline) await untilDeadline(Promise.allSettled([...this.awaitingReplies]));
    // The replies written so far reach the server before the socket closes.
    await untilDeadline(nc.flush().catch(() => undefined));
    try {
      await nc.reconnect();
    } catch (error) {
      this.logger.warn(`Could not move to another NATS server: ${(error as Error).message}`);
      this.arrived();
    }
  }

  /** At the end of a move: the responders take requests again. */
  private arrived(): void {
    if (!this.moving) return;
    this.moving = false;
    for (const responder of this.responders) responder.resume();
  }
}
