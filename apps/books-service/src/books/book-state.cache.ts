import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type ConsumerMessages, DeliverPolicy, type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Counter } from 'prom-client';
import { BOOK_EVENTS_STREAM, readBookEvent } from '@books/contracts';
import { NatsConnectionManager } from '@books/nats-rpc';
import { retry } from '@books/server-kit';
import { BooksServiceConfig } from '../config/books-service.config';
import { CatalogueReadModel } from '../read-model/catalogue.read-model';
import { type BookDocument, toBook, toBookDocument } from './book.document';

/** A book's state at a version whose event is known to be in the stream. */
export interface PublishedState {
  version: number;
  /** Null once the book is deleted. */
  book: BookDocument | null;
}

/**
 * How often a replica checks that it still follows the event stream. Reads that must see a
 * write wait for the follower for up to READ_YOUR_WRITES_WAIT_MS (2 s): a follower whose
 * consumer went with a NATS node (restarted, or killed) is replaced well within that.
 */
const FOLLOW_CHECK_MS = 500;

const followerRestarts = new Counter({
  name: 'books_service_event_follower_restarts_total',
  help: 'Times the event stream follower stalled (messages waiting, none applied for half a second) and was started again',
});

const invalidEvents = new Counter({
  name: 'books_service_events_invalid_total',
  help: 'Messages on the book event stream that are not valid book events: skipped by the state cache',
});

/**
 * The latest published state of recently written books, in each replica, kept current by
 * following the event stream (and by this replica's own publishes). The one follower of the
 * stream in a replica: it also feeds the in-memory catalogue the reads are answered from.
 *
 * A writer builds the next version from it instead of reading the database: the unique change
 * record still decides who wins, so a state that is out of date only costs a retry. And since
 * every state here has its event in the stream, a change built on it is committed after its
 * predecessor's event is out, which keeps each book's events in version order.
 */
@Injectable()
export class BookStateCache implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(BookStateCache.name);
  private readonly states = new Map<string, PublishedState>();
  private readonly waiters = new Map<string, Set<{ version: number; resolve: () => void }>>();
  /** Event ids this replica published and already remembered: skipped when the stream echoes them. */
  private readonly ownEvents = new Set<string>();
  private messages?: ConsumerMessages;
  private following?: Promise<void>;
  private manager?: JetStreamManager;
  private watchdog?: NodeJS.Timeout;
  private lastCheckedPosition = -1;
  private restarting = false;
  private stopping = false;

  constructor(
    private readonly nats: NatsConnectionManager,
    private readonly config: BooksServiceConfig,
    private readonly catalogue: CatalogueReadModel,
  ) {}

  async onModuleInit(): Promise<void> {
    // Loaded first: the stream is followed from the position the catalogue was loaded at.
    const loadedAt = await this.catalogue.load();
    await retry('Following the book event stream', () => this.follow(loadedAt + 1), { logger: this.logger });
    this.watchdog = setInterval(() => void this.checkProgress(), FOLLOW_CHECK_MS).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.watchdog);
    this.stopping = true;
    await this.messages?.close();
    await this.following;
  }

  /** Follows the stream from sequence `from`, in the background. */
  private async follow(from: number): Promise<void> {
    const js = jetstream(this.nats.connection);
    const consumer = await js.consumers.get(BOOK_EVENTS_STREAM, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from });
    // Short pull expiry: heartbeats every second, so after a NATS restart the consumer is
    // recreated within seconds rather than the default half minute.
    const messages = await consumer.consume({ expires: 2_000 });
    this.messages = messages;
    this.following = (async () => {
      for await (const message of messages) {
        const msgId = message.headers?.get('Nats-Msg-Id');
        if (msgId && this.ownEvents.delete(msgId)) {
          this.catalogue.skip(message.seq);
          continue;
        }
        const reading = readBookEvent(message.string());
        if (!reading.ok) {
          invalidEvents.inc();
          this.logger.warn(`Skipped stream message ${message.seq}: not a book event (${reading.reason})`);
          this.catalogue.skip(message.seq);
          continue;
        }
        const { bookId, version, book } = reading.event;
        this.catalogue.follow({ id: bookId, version, book }, message.seq);
        this.remember(bookId, {
          version,
          book: book && toBookDocument(book.id, book, book.version, new Date(book.createdAt), new Date(book.updatedAt)),
        });
      }
    })().catch((error: unknown) => this.logger.error(`Stopped following the event stream: ${(error as Error).message}`));
  }

  /**
   * Reads wait for this replica to reach a writer's position, so a follower that stalls (a
   * NATS restart the consumer did not notice, JetStream slow to answer after one) must not
   * stay stalled. Once a second: if the stream holds messages this replica has not applied
   * and it applied nothing since the last look, the consumer is replaced by a new one from
   * the next sequence. Applying is idempotent (by version), so a message seen twice is harmless.
   */
  private async checkProgress(): Promise<void> {
    if (this.restarting || this.stopping || !this.nats.connected) return;
    try {
      this.manager ??= await jetstreamManager(this.nats.connection);
      const { last_seq } = (await this.manager.streams.info(BOOK_EVENTS_STREAM)).state;
      const position = this.catalogue.position;
      const stalled = last_seq > position && position === this.lastCheckedPosition;
      this.lastCheckedPosition = position;
      if (!stalled) return;
      this.restarting = true;
      this.logger.warn(`Following the event stream stalled at sequence ${position} (stream at ${last_seq}); following again from ${position + 1}`);
      followerRestarts.inc();
      await this.messages?.close();
      // The old loop ends once its consumer is closed; a wedged one is left behind, not waited for.
      await Promise.race([this.following, sleep(FOLLOW_CHECK_MS, undefined, { ref: false })]);
      if (!this.stopping) await this.follow(position + 1);
    } catch (error) {
      this.logger.warn(`Checking the event stream follower failed: ${(error as Error).message}`);
    } finally {
      this.restarting = false;
    }
  }

  /** Records the state of a change this replica has just published, at stream sequence `seq`. */
  published(bookId: string, eventId: string, state: PublishedState, seq: number): void {
    this.catalogue.published({ id: bookId, version: state.version, book: state.book && toBook(state.book) }, seq);
    this.ownEvents.add(eventId);
    if (this.ownEvents.size > this.config.STATE_CACHE_MAX_ENTRIES) this.ownEvents.delete(this.ownEvents.values().next().value as string);
    this.remember(bookId, state);
  }

  get(bookId: string): PublishedState | undefined {
    return this.states.get(bookId);
  }

  /** Records a published state; an older one than what is known is ignored. */
  remember(bookId: string, state: PublishedState): void {
    const known = this.states.get(bookId);
    if (known && known.version >= state.version) return;
    // Re-inserting moves the book to the end: the map's first entry is the least recently written.
    this.states.delete(bookId);
    this.states.set(bookId, state);
    if (this.states.size > this.config.STATE_CACHE_MAX_ENTRIES) this.states.delete(this.states.keys().next().value as string);
    const waiting = this.waiters.get(bookId);
    for (const waiter of waiting ?? []) {
      if (state.version >= waiter.version) {
        waiting?.delete(waiter);
        waiter.resolve();
      }
    }
    if (waiting?.size === 0) this.waiters.delete(bookId);
  }

  /** Resolves true once version `version` (or a later one) of the book is published, false after `timeoutMs`. */
  waitForVersion(bookId: string, version: number, timeoutMs: number): Promise<boolean> {
    if ((this.states.get(bookId)?.version ?? 0) >= version) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = { version, resolve: () => (clearTimeout(timer), resolve(true)) };
      const timer = setTimeout(() => {
        this.waiters.get(bookId)?.delete(waiter);
        resolve(false);
      }, timeoutMs);
      const set = this.waiters.get(bookId) ?? new Set();
      set.add(waiter);
      this.waiters.set(bookId, set);
    });
  }
}
