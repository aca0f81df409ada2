import type { BooksServiceConfig } from '../../config/books-service.config';
import type { BookEventsPublisher } from '../../events/book-events.publisher';
import type { Intent, IntentEntry, OutboxIntents } from '../../events/outbox.intents';
import { OutboxRelay } from '../../events/outbox.relay';
import type { BookChangeDocument, BookDocument } from '../book.document';
import { BookStateCache } from '../book-state.cache';
import { CatalogueReadModel } from '../../read-model/catalogue.read-model';
import { BooksCommitter } from '../books.committer';
import type { BooksRepository, CommitResult } from '../books.repository';
import { BooksService } from '../books.service';

/**
 * In-memory stand-ins for the database, JetStream and the outbox bucket, with the properties
 * the write protocol relies on: a change record whose id exists is refused (a unique index),
 * and publishing is idempotent by event id. Every command is counted.
 */
export class FakeRepository {
  books = new Map<string, BookDocument>();
  changes = new Map<string, BookChangeDocument>();
  commands: string[] = [];
  /** Runs before the next commit: lets a test play "another replica got there first". */
  beforeCommit?: () => void;
  failNext?: 'commit' | 'apply' | 'findChange';

  async findById(id: string) {
    this.commands.push('find');
    return this.books.get(id) ?? null;
  }
  async commit(changes: BookChangeDocument[], ordered = false): Promise<CommitResult> {
    this.commands.push('insert');
    this.beforeCommit?.();
    this.beforeCommit = undefined;
    this.fail('commit');
    const duplicates = new Set<string>();
    for (const change of changes) {
      if (this.changes.has(change._id) || (ordered && duplicates.size > 0)) duplicates.add(change._id);
      else this.changes.set(change._id, change);
    }
    return { duplicates };
  }
  async findChange(id: string) {
    this.commands.push('find');
    this.fail('findChange');
    return this.changes.get(id) ?? null;
  }
  async apply(changes: BookChangeDocument[]) {
    this.commands.push('update');
    this.fail('apply');
    for (const change of changes) {
      if (change.book) this.books.set(change.bookId, change.book);
      else this.books.delete(change.bookId);
    }
  }
  async isApplied(change: BookChangeDocument) {
    const book = this.books.get(change.bookId);
    if (!book) return change.type === 'deleted' || this.changes.has(`${change.bookId}:${change.version + 1}`);
    return book.version >= change.version;
  }
  private fail(step: 'commit' | 'apply' | 'findChange') {
    if (this.failNext !== step) return;
    this.failNext = undefined;
    throw new Error(`${step} failed`);
  }
}

export class FakeOutbox {
  own = new Map<string, Intent>();
  /** Other replicas' outbox entries. */
  entries: IntentEntry[] = [];
  failNextAdd = false;
  async add(intents: Intent[]) {
    if (this.failNextAdd) {
      this.failNextAdd = false;
      throw new Error('NATS is away');
    }
    for (const intent of intents) this.own.set(intent.eventId, intent);
  }
  async remove(eventIds: Iterable<string>) {
    for (const eventId of eventIds) this.own.delete(eventId);
  }
  ownIntents() {
    return [...this.own.values()];
  }
  async heartbeat() {
    // Nothing to tell: a fake replica is always alive.
  }
  async others() {
    return this.entries.filter((entry) => entry.intents.length > 0);
  }
  async release(entry: IntentEntry) {
    this.entries = this.entries.filter((other) => other !== entry);
  }
  async isPending(id: string) {
    return this.ownIntents().some((intent) => intent.id === id) || this.entries.some((entry) => entry.intents.some((intent) => intent.id === id));
  }
}

export class FakePublisher {
  /** Event ids in the order the stream stored them, each once. */
  stream: BookChangeDocument[] = [];
  failNext = false;
  /** JetStream away: every publish fails until this is set back. */
  down = false;
  constructor(private readonly states: BookStateCache) {}
  async publish(changes: BookChangeDocument[]) {
    if (this.failNext || this.down) {
      this.failNext = false;
      throw new Error('JetStream did not answer');
    }
    for (const change of changes) {
      if (!this.stream.some((stored) => stored.eventId === change.eventId)) this.stream.push(change);
      this.states.published(change.bookId, change.eventId, { version: change.version, book: change.book }, this.stream.length);
    }
  }
}

export const testConfig = {
  COMMIT_BATCH_MAX: 64,
  WRITE_DEADLINE_MS: 300,
  READ_YOUR_WRITES_WAIT_MS: 100,
  STATE_CACHE_MAX_ENTRIES: 1000,
  OUTBOX_GRACE_MS: 1000,
  OUTBOX_APPLY_GRACE_MS: 30_000,
  OUTBOX_INTERVAL_MS: 1000,
} as BooksServiceConfig;

/** The service with its real committer, state cache and relay over the fakes. */
export function fakeWorld(config: BooksServiceConfig = testConfig) {
  const repository = new FakeRepository();
  const outbox = new FakeOutbox();
  const catalogue = new CatalogueReadModel(undefined as never, undefined as never, undefined as never);
  const states = new BookStateCache(undefined as never, config, catalogue);
  const publisher = new FakePublisher(states);
  const committer = new BooksCommitter(
    config,
    repository as unknown as BooksRepository,
    publisher as unknown as BookEventsPublisher,
    outbox as unknown as OutboxIntents,
  );
  const service = new BooksService(config, repository as unknown as BooksRepository, committer, states, outbox as unknown as OutboxIntents, catalogue);
  const relay = new OutboxRelay(
    config,
    repository as unknown as BooksRepository,
    publisher as unknown as BookEventsPublisher,
    outbox as unknown as OutboxIntents,
    committer,
  );
  return { service, committer, relay, repository, outbox, publisher, states, catalogue };
}
