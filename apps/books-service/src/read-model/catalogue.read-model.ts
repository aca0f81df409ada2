import { performance } from 'node:perf_hooks';
import { Injectable, Logger } from '@nestjs/common';
import { jetstreamManager } from '@nats-io/jetstream';
import { Gauge } from 'prom-client';
import { BOOK_EVENTS_STREAM, type Book } from '@books/contracts';
import { NatsConnectionManager } from '@books/nats-rpc';
import { retry } from '@books/server-kit';
import { BooksRepository } from '../books/books.repository';
import { toBook } from '../books/book.document';
import { BookEventsStream } from '../events/book-events.stream';
import { CatalogueIndex, type IndexChange, type IndexPage, type IndexQuery } from './catalogue-index';

const indexedBooks = new Gauge({ name: 'books_service_read_model_books', help: 'Books in this replica’s in-memory catalogue' });
const readModelPosition = new Gauge({ name: 'books_service_read_model_position', help: 'Last event stream sequence applied to the in-memory catalogue' });

/**
 * What every list, search, get and export is answered from: the whole catalogue in memory
 * in each replica (CatalogueIndex), loaded from `books` at start-up and kept current from
 * the event stream, so a read costs O(page) and no database query, on FerretDB and MongoDB
 * alike. The database stays the record: the index is rebuilt from it at every start.
 *
 * Its position is the last stream sequence it has applied. A client that wrote gets the
 * position of its write back (the gateway hands it on), and a read that names a position
 * waits until this replica has applied it: read-your-writes across replicas and gateways.
 */
@Injectable()
export class CatalogueReadModel {
  private readonly logger = new Logger(CatalogueReadModel.name);
  private readonly index = new CatalogueIndex();
  /** Stream messages not yet applied: a change, or just a sequence to move past (an event of this replica's own). */
  private pending: { change?: IndexChange; seq: number }[] = [];
  private flushScheduled = false;
  private applied = 0;
  /** The highest sequence of an event this replica published itself (applied at once). */
  private ownPublished = 0;
  private readonly waiters = new Set<{ position: number; resolve: () => void }>();

  constructor(
    private readonly nats: NatsConnectionManager,
    private readonly repository: BooksRepository,
    // Injected so Nest declares the stream before this reads its state.
    readonly stream: BookEventsStream,
  ) {}

  /**
   * Loads the catalogue and returns the stream sequence to follow from. The sequence is read
   * first: every event up to it is applied in the books the load reads (a writer applies a
   * change before it publishes it), and events after it are replayed over the load, where a
   * version the index already has is ignored.
   */
  async load(): Promise<number> {
    const started = performance.now();
    const jsm = await retry('Reading the event stream position', () => jetstreamManager(this.nats.connection), { logger: this.logger });
    const { state } = await retry('Reading the event stream position', () => jsm.streams.info(BOOK_EVENTS_STREAM), { logger: this.logger });
    const changes: IndexChange[] = [];
    for await (const doc of this.repository.allBooks()) changes.push({ id: doc._id, version: doc.version, book: toBook(doc) });
    this.index.apply(changes);
    this.setPosition(state.last_seq);
    indexedBooks.set(this.index.size);
    this.logger.log(`Loaded ${this.index.size} books in ${Math.round(performance.now() - started)} ms; following the stream after sequence ${state.last_seq}`);
    return state.last_seq;
  }

  get position(): number {
    return this.applied;
  }

  /** A position that covers every change this replica has answered for. */
  get latestKnown(): number {
    return Math.max(this.applied, this.ownPublished);
  }

  /** An event from the stream: applied with the others that arrive in the same turn of the event loop. */
  follow(change: IndexChange, seq: number): void {
    this.enqueue({ change, seq });
  }

  /** The stream moved past a message with nothing to apply (this replica's own event, say). */
  skip(seq: number): void {
    this.enqueue({ seq });
  }

  /** A change this replica has just published: applied now, so its writer's next read sees it. */
  published(change: IndexChange, seq: number): void {
    this.index.apply([change]);
    this.ownPublished = Math.max(this.ownPublished, seq);
    indexedBooks.set(this.index.size);
  }

  get(id: string): Book | undefined {
    return this.index.get(id);
  }

  page(query: IndexQuery): IndexPage {
    return this.index.page(query);
  }

  all(): Iterable<Book> {
    return this.index.all();
  }

  /**
   * Whether `position` is beyond the end of the stream: it came from before the stream was
   * recreated (or is made up), and waiting for it would never end.
   */
  async isBeyondStream(position: number): Promise<boolean> {
    const jsm = await jetstreamManager(this.nats.connection);
    return (await jsm.streams.info(BOOK_EVENTS_STREAM)).state.last_seq < position;
  }

  /** Resolves true once the index has applied `position`, false after `timeoutMs`. */
  waitFor(position: number, timeoutMs: number): Promise<boolean> {
    if (this.applied >= position) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = { position, resolve: () => (clearTimeout(timer), resolve(true)) };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        resolve(false);
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  private enqueue(item: { change?: IndexChange; seq: number }): void {
    this.pending.push(item);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    this.index.apply(batch.flatMap((item) => (item.change ? [item.change] : [])));
    indexedBooks.set(this.index.size);
    this.setPosition(batch.reduce((highest, item) => Math.max(highest, item.seq), 0));
  }

  private setPosition(position: number): void {
    if (position <= this.applied) return;
    this.applied = position;
    readModelPosition.set(position);
    for (const waiter of this.waiters) {
      if (waiter.position > position) continue;
      this.waiters.delete(waiter);
      waiter.resolve();
    }
  }
}
