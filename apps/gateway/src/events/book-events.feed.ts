import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import {
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstream,
  jetstreamManager,
} from '@nats-io/jetstream';
import { type Span, SpanKind, trace } from '@opentelemetry/api';
import { Counter } from 'prom-client';
import { Observable, Subject } from 'rxjs';
import { BOOK_EVENTS_STREAM, type BookEvent, readBookEvent } from '@books/contracts';
import { NatsConnectionManager, extractTraceContext } from '@books/nats-rpc';
import { MessagingAttributes, retry } from '@books/server-kit';
import { GatewayConfig } from '../config/gateway.config';

/** How often the feed checks that it keeps up with the stream. */
const FOLLOW_CHECK_MS = 1_000;

const skipped = new Counter({
  name: 'gateway_events_invalid_total',
  help: 'Messages on the book event stream that are not valid book events: skipped, never relayed',
  labelNames: ['during'],
});

const tracer = trace.getTracer('gateway');
/** Span attribute: how many SSE clients an event was relayed to. */
const ATTR_SSE_CLIENTS = 'books.sse.clients';

/** A book event with its position in the stream, which SSE clients resume from. */
export interface SequencedEvent {
  seq: number;
  event: BookEvent;
}

/**
 * The gateway's one subscription to the book event stream, fanned out to every SSE client.
 *
 * It tails the stream with an ordered consumer from the stream's end at start-up (nats.js
 * recreates it after reconnects, from the next sequence) and keeps the latest events in
 * memory, so a reconnecting browser is caught up from memory; one that was away longer, or
 * that saw its last event on another gateway before this one started, is replayed from
 * JetStream by sequence. One consumer per gateway, not one per browser tab, keeps NATS's
 * load flat. A message that is not a valid BookEvent is skipped, counted and logged.
 */
@Injectable()
export class BookEventsFeed implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(BookEventsFeed.name);
  private readonly live = new Subject<SequencedEvent>();
  private readonly invalid = new Subject<number>();
  private readonly recent: SequencedEvent[] = [];
  private jsClient?: JetStreamClient;
  private jsManager?: Promise<JetStreamManager>;
  private messages?: ConsumerMessages;
  private tailing?: Promise<void>;
  /** The sequence of the last message this gateway has seen, or the stream's last when it started following. */
  private latest = 0;
  private isFollowing = false;
  /** SSE clients subscribed to events(), for the relay span. */
  private clients = 0;
  /** The stream moved on and this feed did not, for a whole check: its consumer is being recreated. */
  private stalled = false;
  private watchdog?: NodeJS.Timeout;
  private latestAtLastCheck = -1;
  /** Resolves once the stream is followed and `latest` is known: resumes wait for it. */
  private readonly started: Promise<void>;
  private markStarted!: () => void;

  constructor(
    private readonly nats: NatsConnectionManager,
    private readonly config: GatewayConfig,
  ) {
    this.started = new Promise((resolve) => (this.markStarted = resolve));
  }

  async onModuleInit(): Promise<void> {
    // The stream is declared by the books-service; the gateway may start first.
    this.tailing = retry('Subscribing to the book event stream', () => this.subscribe(), { logger: this.logger, maxDelayMs: 5_000 })
      .then((messages) => this.tail(messages))
      .catch((error: unknown) => this.logger.error(`The event feed stopped: ${(error as Error).message}`));
    this.watchdog = setInterval(() => void this.checkProgress(), FOLLOW_CHECK_MS).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.watchdog);
    await this.messages?.close();
    this.live.complete();
    this.invalid.complete();
    await this.tailing;
    this.logger.log('Stopped following the event stream');
  }

  /** The stream sequence of the last event this gateway has seen. */
  get latestSeq(): number {
    return this.latest;
  }

  /** True while the gateway follows the stream and keeps up with it: it sees every event. */
  get following(): boolean {
    return this.isFollowing && !this.stalled;
  }

  /**
   * Whether the feed keeps up. Its consumer lives on one NATS node; when that node dies, nats.js
   * recreates it from the next sequence once JetStream answers again, which can take seconds.
   * Meanwhile the read cache, which only events invalidate, would serve what it held: so while
   * the stream is ahead and the feed has not moved for a whole check, it does not count as
   * following (the cache steps aside) until the next message arrives.
   */
  private async checkProgress(): Promise<void> {
    if (!this.isFollowing || !this.nats.connected) return;
    try {
      const { last_seq } = await this.streamState();
      const stalled = last_seq > this.latest && this.latest === this.latestAtLastCheck;
      if (stalled && !this.stalled) this.logger.warn(`Following the event stream stalled at sequence ${this.latest} (stream at ${last_seq}); reads bypass the cache until it moves`);
      this.stalled = this.stalled || stalled;
      this.latestAtLastCheck = this.latest;
    } catch {
      // JetStream not answering (electing a leader): nothing is published meanwhile either.
    }
  }

  /** Live events only, as they arrive (no replay). */
  get liveEvents(): Observable<SequencedEvent> {
    return this.live.asObservable();
  }

  /** The stream sequence of each live message that was not a valid book event (skipped). */
  get skippedEvents(): Observable<number> {
    return this.invalid.asObservable();
  }

  /**
   * Every event after sequence `after` (if given), then the live ones, each exactly once
   * and in stream order.
   */
  events(after?: number): Observable<SequencedEvent> {
    return new Observable<SequencedEvent>((subscriber) => {
      let last = this.latest;
      let caughtUp = false;
      const queued: SequencedEvent[] = [];
      const emit = (item: SequencedEvent) => {
        if (item.seq <= last) return;
        last = item.seq;
        subscriber.next(item);
      };
      this.clients++;
      // Listen first, then replay: nothing published in between can fall through.
      const subscription = this.live.subscribe({
        next: (item) => (caughtUp ? emit(item) : queued.push(item)),
        complete: () => subscriber.complete(),
      });
      this.started
        .then(() => this.resumePoint(after))
        .then((from) => {
          last = from;
          return this.replay(from, this.latest, emit);
        })
        .then(() => {
          caughtUp = true;
          queued.forEach(emit);
          queued.length = 0;
        })
        .catch((error: unknown) => subscriber.error(error));
      return () => {
        this.clients--;
        subscription.unsubscribe();
      };
    });
  }

  private get js(): JetStreamClient {
    return (this.jsClient ??= jetstream(this.nats.connection));
  }

  private get jsm(): Promise<JetStreamManager> {
    return (this.jsManager ??= jetstreamManager(this.nats.connection, { checkAPI: false }));
  }

  private async streamState(): Promise<{ first_seq: number; last_seq: number }> {
    return (await (await this.jsm).streams.info(BOOK_EVENTS_STREAM)).state;
  }

  /**
   * Starts right after the stream's last message, and knows its sequence: a client that
   * resumes from an event published before this gateway started is replayed from the stream,
   * not left waiting for events that will never come live.
   */
  private async subscribe(): Promise<ConsumerMessages> {
    const { last_seq } = await this.streamState();
    const consumer = await this.js.consumers.get(BOOK_EVENTS_STREAM, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: last_seq + 1 });
    // Short pull expiry: heartbeats every second, so when the consumer is lost (its NATS node
    // died, or restarted) nats.js recreates it from the next sequence within seconds, not the
    // default half minute: browsers would wait that long for their events.
    this.messages = await consumer.consume({ expires: 2_000 });
    this.latest = Math.max(this.latest, last_seq);
    this.markStarted();
    this.logger.log(`Following stream ${BOOK_EVENTS_STREAM} after sequence ${last_seq}`);
    return this.messages;
  }

  private async tail(messages: ConsumerMessages): Promise<void> {
    this.isFollowing = true;
    try {
      for await (const message of messages) {
        const item = this.read(message, 'live');
        this.latest = message.info.streamSequence;
        this.stalled = false;
        if (!item) {
          this.invalid.next(message.info.streamSequence);
          continue;
        }
        this.recent.push(item);
        if (this.recent.length > this.config.EVENTS_BUFFER_SIZE) this.recent.shift();
        const span = this.relaySpan(message, item.event);
        this.live.next(item);
        span?.setAttribute(ATTR_SSE_CLIENTS, this.clients).end();
      }
    } finally {
      this.isFollowing = false;
    }
  }

  /**
   * A span for relaying a traced event to the SSE clients: once per event, whatever the
   * number of clients, in the trace of the request that caused it (its context is in the
   * event's headers). None while tracing is off, or for an event that carries no trace.
   */
  private relaySpan(message: JsMsg, event: BookEvent): Span | undefined {
    if (this.config.TRACING_SAMPLE_RATIO === 0) return undefined;
    const parent = extractTraceContext(message.headers);
    if (!trace.getSpanContext(parent)) return undefined;
    return tracer.startSpan(
      `process ${BOOK_EVENTS_STREAM}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          [MessagingAttributes.system]: 'nats',
          [MessagingAttributes.destination]: message.subject,
          [MessagingAttributes.operationName]: 'relay',
          [MessagingAttributes.operationType]: 'process',
          [MessagingAttributes.messageId]: event.eventId,
        },
      },
      parent,
    );
  }

  /** The message as a valid event, or undefined (counted and logged) for the caller to skip. */
  private read(message: JsMsg, during: 'live' | 'replay'): SequencedEvent | undefined {
    const seq = message.info.streamSequence;
    const reading = readBookEvent(message.string());
    if (reading.ok) return { seq, event: reading.event };
    skipped.inc({ during });
    this.logger.warn(`Skipped stream sequence ${seq} on ${message.subject} (${during}): not a book event (${reading.reason})`);
    return undefined;
  }

  /**
   * Where a client resumes: after its Last-Event-ID, even one from a gateway that is ahead of
   * this one (those events are on their way here). An id the stream has never reached (a
   * recreated stream) resumes from now, rather than waiting for the stream to get there.
   */
  private async resumePoint(after: number | undefined): Promise<number> {
    if (after === undefined || after <= this.latest) return after ?? this.latest;
    return after <= (await this.streamState()).last_seq ? after : this.latest;
  }

  /** Emits the events with sequence in (from, to], from memory when it still has them. */
  private async replay(from: number, to: number, emit: (item: SequencedEvent) => void): Promise<void> {
    if (from >= to) return;
    const oldestInMemory = this.recent[0]?.seq ?? Infinity;
    if (from + 1 < oldestInMemory) await this.replayFromStream(from + 1, Math.min(to, oldestInMemory - 1), emit);
    for (const item of this.recent) if (item.seq > from && item.seq <= to) emit(item);
  }

  private async replayFromStream(start: number, end: number, emit: (item: SequencedEvent) => void): Promise<void> {
    // A consumer started past the stream's last message would wait forever for the next one.
    if ((await this.streamState()).last_seq < start) return;
    const consumer = await this.js.consumers.get(BOOK_EVENTS_STREAM, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: start });
    const messages = await consumer.consume();
    try {
      for await (const message of messages) {
        const seq = message.info.streamSequence;
        if (seq > end) break;
        const item = this.read(message, 'replay');
        if (item) emit(item);
        if (seq >= end || message.info.pending === 0) break;
      }
    } finally {
      await messages.close();
    }
  }
}
