import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Counter } from 'prom-client';
import { type Subscription, merge } from 'rxjs';
import type { Book, BookPage, ListBooksRequest } from '@books/contracts';
import { NatsConnectionManager } from '@books/nats-rpc';
import { GatewayConfig } from '../config/gateway.config';
import { BookEventsFeed } from '../events/book-events.feed';

const lookups = new Counter({
  name: 'gateway_read_cache_lookups_total',
  help: 'Reads answered from the gateway cache (hit), from the books-service (miss), or past a disabled cache (bypass)',
  labelNames: ['kind', 'result'],
});

type Kind = 'list' | 'book';

/**
 * Reads the gateway can answer without a NATS round trip and a database query, kept fresh by
 * the event stream: every book event drops that book and every list page, and a write made
 * through this gateway does the same before it answers (read-your-writes).
 *
 * The promise it keeps: it never serves a book older than the last event the gateway has
 * seen. A read that started before an invalidation is answered but not stored (each
 * entry remembers the generation it was read in), and the cache is off whenever the gateway
 * might miss events: until it follows the stream, and from a NATS disconnect until the
 * stream is followed again.
 */
@Injectable()
export class BookReadCache implements OnModuleInit, OnModuleDestroy {
  private readonly lists = new Map<string, BookPage>();
  private readonly books = new Map<string, Book>();
  private readonly pending = new Map<string, Promise<unknown>>();
  /**
   * What an entry was read in: a read is stored only if nothing invalidated it meanwhile.
   * The epoch counts full clears (NATS reconnects); generations count invalidations.
   */
  private epoch = 0;
  private listGeneration = 0;
  private readonly bookGenerations = new Map<string, number>();
  private subscription?: Subscription;

  constructor(
    private readonly config: GatewayConfig,
    private readonly feed: BookEventsFeed,
    private readonly nats: NatsConnectionManager,
  ) {}

  onModuleInit(): void {
    // The feed relays only events that passed the contract schema. A message that did not
    // may still be a change (from a newer publisher, say) to a book we cannot name: forget all.
    this.subscription = merge(this.feed.liveEvents, this.feed.skippedEvents, this.nats.connectionChanges).subscribe((change) => {
      if (typeof change === 'object') this.invalidate(change.event.bookId);
      else this.clear();
    });
  }

  onModuleDestroy(): void {
    this.subscription?.unsubscribe();
  }

  /** The stream position of the last event this gateway has seen (and relayed). */
  get latestSeen(): number {
    return this.feed.latestSeq;
  }

  /** Whether the cache reflects stream position `position`: this gateway has seen its event (or no position was named). */
  covers(position: number | undefined): boolean {
    return position === undefined || this.feed.latestSeq >= position;
  }

  private get enabled(): boolean {
    return this.config.READ_CACHE && this.feed.following && this.nats.connected;
  }

  list(request: ListBooksRequest, load: () => Promise<BookPage>): Promise<BookPage> {
    const key = `${request.sort}|${request.offset}|${request.limit}|${request.read ?? ''}|${request.q ?? ''}|${request.cursor ?? ''}`;
    return this.read('list', this.lists, key, () => this.listGeneration, load);
  }

  book(id: string, load: () => Promise<Book>): Promise<Book> {
    return this.read('book', this.books, id, () => this.bookGenerations.get(id) ?? 0, load);
  }

  /** The book changed: forget it, and every list page (any of them may show it, or count it). */
  invalidate(bookId: string): void {
    this.books.delete(bookId);
    this.bookGenerations.set(bookId, (this.bookGenerations.get(bookId) ?? 0) + 1);
    this.clearLists();
  }

  /** A book may have been created: every list page may be out of date. */
  invalidateLists(): void {
    this.clearLists();
  }

  private clear(): void {
    this.books.clear();
    this.lists.clear();
    this.epoch++;
  }

  private clearLists(): void {
    this.lists.clear();
    this.listGeneration++;
  }

  private async read<T>(kind: Kind, entries: Map<string, T>, key: string, generation: () => number, load: () => Promise<T>): Promise<T> {
    if (!this.enabled) {
      lookups.inc({ kind, result: 'bypass' });
      return load();
    }
    const cached = entries.get(key);
    if (cached !== undefined) {
      lookups.inc({ kind, result: 'hit' });
      return cached;
    }
    lookups.inc({ kind, result: 'miss' });
    const started = `${this.epoch}.${generation()}`;
    const current = () => `${this.epoch}.${generation()}`;
    // Identical reads at the same moment share one request to the books-service.
    const pendingKey = `${kind}:${started}:${key}`;
    let loading = this.pending.get(pendingKey) as Promise<T> | undefined;
    if (!loading) {
      loading = load().finally(() => this.pending.delete(pendingKey));
      this.pending.set(pendingKey, loading);
    }
    const value = await loading;
    if (this.enabled && current() === started) {
      if (entries.size >= this.config.READ_CACHE_MAX_ENTRIES) entries.delete(entries.keys().next().value as string);
      entries.set(key, value);
    }
    return value;
  }
}
