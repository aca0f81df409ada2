import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type ConsumerMessages, DeliverPolicy, type JetStreamClient, jetstream } from '@nats-io/jetstream';
import { Observable, Subject } from 'rxjs';
import { BOOK_EVENTS_STREAM, type BookEvent } from '@books/contracts';
import { NatsConnectionManager } from '@books/nats-rpc';
import { retry } from '@books/server-kit';
import { GatewayConfig } from '../config/gateway.config';

/** A book event with its position in the stream, which SSE clients resume from. */
export interface SequencedEvent {
  seq: number;
  event: BookEvent;
}

/**
 * The gateway's one subscription to the book event stream, fanned out to every SSE client.
 *
 * It tails the stream with an ordered consumer (nats.js recreates it after reconnects, from
 * the next sequence) and keeps the latest events in memory, so a reconnecting browser is
 * caught up from memory; one that was away longer is replayed from JetStream itself.
 * One consumer per gateway, not one per browser tab, keeps NATS's load flat.
 */
@Injectable()
export class BookEventsFeed implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(BookEventsFeed.name);
  private readonly live = new Subject<SequencedEvent>();
  private readonly recent: SequencedEvent[] = [];
  private jsClient?: JetStreamClient;
  private messages?: ConsumerMessages;
  private tailing?: Promise<void>;
  /** The sequence of the last event this gateway has seen (0: none yet). */
  private latest = 0;
  private isFollowing = false;

  constructor(
    private readonly nats: NatsConnectionManager,
    private readonly config: GatewayConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    // The stream is declared by the books-service; the gateway may start first.
    this.tailing = retry('Subscribing to the book event stream', () => this.subscribe(), { logger: this.logger, maxDelayMs: 5_000 })
      .then((messages) => this.tail(messages))
      .catch((error: unknown) => this.logger.error(`The event feed stopped: ${(error as Error).message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.messages?.close();
    this.live.complete();
    await this.tailing;
    this.logger.log('Stopped following the event stream');
  }

  /** True while the gateway follows the stream: it sees every event. */
  get following(): boolean {
    return this.isFollowing;
  }

  /** Live events only, as they arrive (no replay). */
  get liveEvents(): Observable<SequencedEvent> {
    return this.live.asObservable();
  }

  /**
   * Every event after sequence `after` (if given), then the live ones, each exactly once
   * and in stream order.
   */
  events(after?: number): Observable<SequencedEvent> {
    return new Observable<SequencedEvent>((subscriber) => {
      let last = after === undefined ? this.latest : Math.min(after, this.latest);
      let caughtUp = false;
      const queued: SequencedEvent[] = [];
      const emit = (item: SequencedEvent) => {
        if (item.seq <= last) return;
        last = item.seq;
        subscriber.next(item);
      };
      // Listen first, then replay: nothing published in between can fall through.
      const subscription = this.live.subscribe({
        next: (item) => (caughtUp ? emit(item) : queued.push(item)),
        complete: () => subscriber.complete(),
      });
      this.replay(last, this.latest, emit)
        .then(() => {
          caughtUp = true;
          queued.forEach(emit);
          queued.length = 0;
        })
        .catch((error: unknown) => subscriber.error(error));
      return () => subscription.unsubscribe();
    });
  }

  private get js(): JetStreamClient {
    return (this.jsClient ??= jetstream(this.nats.connection));
  }

  private async subscribe(): Promise<ConsumerMessages> {
    const consumer = await this.js.consumers.get(BOOK_EVENTS_STREAM, { deliver_policy: DeliverPolicy.New });
    this.messages = await consumer.consume();
    this.logger.log(`Following stream ${BOOK_EVENTS_STREAM}`);
    return this.messages;
  }

  private async tail(messages: ConsumerMessages): Promise<void> {
    this.isFollowing = true;
    try {
      for await (const message of messages) {
        const item = { seq: message.info.streamSequence, event: message.json<BookEvent>() };
        this.latest = item.seq;
        this.recent.push(item);
        if (this.recent.length > this.config.EVENTS_BUFFER_SIZE) this.recent.shift();
        this.live.next(item);
      }
    } finally {
      this.isFollowing = false;
    }
  }

  /** Emits the events with sequence in (from, to], from memory when it still has them. */
  private async replay(from: number, to: number, emit: (item: SequencedEvent) => void): Promise<void> {
    if (from >= to) return;
    const oldestInMemory = this.recent[0]?.seq ?? Infinity;
    if (from + 1 < oldestInMemory) await this.replayFromStream(from + 1, Math.min(to, oldestInMemory - 1), emit);
    for (const item of this.recent) if (item.seq > from && item.seq <= to) emit(item);
  }

  private async replayFromStream(start: number, end: number, emit: (item: SequencedEvent) => void): Promise<void> {
    const consumer = await this.js.consumers.get(BOOK_EVENTS_STREAM, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: start });
    const messages = await consumer.consume();
    try {
      for await (const message of messages) {
        const seq = message.info.streamSequence;
        emit({ seq, event: message.json<BookEvent>() });
        if (seq >= end || message.info.pending === 0) break;
      }
    } finally {
      await messages.close();
    }
  }
}
