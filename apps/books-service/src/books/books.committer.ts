import { Injectable, Logger } from '@nestjs/common';
import { MongoError, MongoServerSelectionError } from 'mongodb';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { hrTime } from '@opentelemetry/core';
import { ATTR_DB_COLLECTION_NAME, ATTR_DB_OPERATION_BATCH_SIZE, ATTR_DB_OPERATION_NAME, ATTR_DB_SYSTEM_NAME } from '@opentelemetry/semantic-conventions';
import { IMPORT_LIMITS } from '@books/contracts';
import { contextFromTraceparent } from '@books/server-kit';
import { BooksServiceConfig } from '../config/books-service.config';
import { OutcomeUnknownError, ServiceUnavailableError } from '../errors/domain.errors';
import { commitBatchSize, commitStepDuration } from '../events/book-events.metrics';
import { BookEventsPublisher } from '../events/book-events.publisher';
import { OutboxIntents } from '../events/outbox.intents';
import type { BookChangeDocument } from './book.document';
import type { PublishedState } from './book-state.cache';
import { BooksRepository } from './books.repository';

/** A write to one book, as the service hands it over. */
export interface WriteRequest {
  bookId: string;
  /** The latest published state the writer knows of. */
  base: PublishedState;
  /**
   * Builds the change from the book's state just before it: null when the request changes
   * nothing; throws the domain error the caller should get (say, a version mismatch).
   */
  build(current: PublishedState): BookChangeDocument | null;
}

export type WriteResult =
  | { outcome: 'committed'; change: BookChangeDocument; before: PublishedState }
  | { outcome: 'unchanged'; before: PublishedState }
  /** Another replica committed the version this write was built on: rebuild on its state and try again. */
  | { outcome: 'taken' };

interface Submission {
  request: WriteRequest;
  /** Part of a bulk submission (an import batch): rounds may take the whole batch. */
  bulk?: boolean;
  resolve: (result: WriteResult) => void;
  reject: (error: Error) => void;
}

/** One book's writes of a round: consecutive versions, built one on the other. */
interface Chain {
  links: Link[];
}

interface Link {
  submission: Submission;
  change: BookChangeDocument;
  before: PublishedState;
}

const tracer = trace.getTracer('books-service');

/**
 * Group commit. Writes that arrive while a round is running wait for the next one, and each
 * round handles all of them with the same few steps, whatever their number:
 *   1. list the changes in this replica's outbox (NATS key-value, see OutboxIntents);
 *   2. commit: insert their change records in one command; a record whose version another
 *      replica took is refused by the unique `_id`;
 *   3. apply each book's newest state to `books` in one command;
 *   4. publish the events (JetStream), then take them off the outbox.
 * Writes to the same book in one round are chained: each is built on the one before, so a
 * hundred writers of one book need a round or two, not a hundred. Only a chain's first record
 * can collide with another replica's (the next ones build on a version nobody else can see
 * yet), so the first records go in one command and the rest, when there are any, in a second.
 * Once a change is committed its writer is told so even if a later step fails: the relay
 * finishes what a round leaves behind.
 */
@Injectable()
export class BooksCommitter {
  private readonly logger = new Logger(BooksCommitter.name);
  private queue: Submission[] = [];
  private scheduled = false;
  private running = false;
  /** Event ids of the changes of the round in progress: their outbox entries are not abandoned. */
  private readonly inRound = new Set<string>();

  constructor(
    private readonly config: BooksServiceConfig,
    private readonly repository: BooksRepository,
    private readonly publisher: BookEventsPublisher,
    private readonly outbox: OutboxIntents,
  ) {}

  submit(request: WriteRequest): Promise<WriteResult> {
    return this.submitAll([request], false)[0];
  }

  /** Writes that belong together (an import batch): committed in as few rounds as their number allows. */
  submitAll(requests: WriteRequest[], bulk = true): Promise<WriteResult>[] {
    const results = requests.map((request) => new Promise<WriteResult>((resolve, reject) => this.queue.push({ request, resolve, reject, bulk })));
    // On the next turn of the event loop: requests read from the socket together share a round.
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.startRounds();
      });
    }
    return results;
  }

  /** Whether a change (by event id) of this replica's outbox belongs to a round still running. */
  isInRound(eventId: string): boolean {
    return this.inRound.has(eventId);
  }

  /**
   * Runs one round at a time while writes wait. Measured on 2 cores (bench/README.md), two
   * overlapping rounds were smaller (1.5 database commands per write instead of 1.0 at four
   * writers) and no faster, since the database serialises writes anyway. One round at a time
   * also means each round builds on the state the previous one published.
   */
  private startRounds(): void {
    if (this.running || this.queue.length === 0) return;
    this.running = true;
    // Bulk writes may fill a round up to an import batch; each round stays one KV value and a few commands.
    let size = 0;
    while (size < this.queue.length && (size < this.config.COMMIT_BATCH_MAX || (this.queue[size].bulk && size < IMPORT_LIMITS.batchSize))) size++;
    const round = this.queue.splice(0, size);
    void this.run(this.chain(round)).finally(() => {
      this.running = false;
      this.startRounds();
    });
  }

  /** Groups a round's writes by book, in arrival order, each built on the state the one before leaves. */
  private chain(round: Submission[]): Chain[] {
    const byBook = new Map<string, Submission[]>();
    for (const submission of round) byBook.set(submission.request.bookId, [...(byBook.get(submission.request.bookId) ?? []), submission]);
    const chains: Chain[] = [];
    for (const submissions of byBook.values()) {
      let state = submissions.reduce((newest, { request }) => (request.base.version > newest.version ? request.base : newest), submissions[0].request.base);
      const chain: Chain = { links: [] };
      for (const submission of submissions) {
        let change: BookChangeDocument | null;
        try {
          change = submission.request.build(state);
        } catch (error) {
          submission.reject(error as Error);
          continue;
        }
        if (!change) {
          submission.resolve({ outcome: 'unchanged', before: state });
          continue;
        }
        chain.links.push({ submission, change, before: state });
        state = { version: change.version, book: change.book };
      }
      if (chain.links.length > 0) chains.push(chain);
    }
    return chains;
  }

  private async run(chains: Chain[]): Promise<void> {
    const links = chains.flatMap((chain) => chain.links);
    if (links.length === 0) return;
    const changes = links.map((link) => link.change);
    commitBatchSize.observe(changes.length);
    for (const change of changes) this.inRound.add(change.eventId);
    try {
      try {
        const timer = commitStepDuration.startTimer({ step: 'outbox' });
        await this.outbox.add(changes.map((change) => ({ id: change._id, eventId: change.eventId })));
        timer();
      } catch (error) {
        // Nothing is committed: the caller may simply try again.
        this.logger.warn(`Could not list ${changes.length} change(s) in the outbox: ${(error as Error).message}`);
        void this.outbox.remove(changes.map((change) => change.eventId)).catch(() => undefined);
        for (const { submission } of links) submission.reject(new ServiceUnavailableError('NATS is not reachable right now'));
        return;
      }

      let committed: Set<string>;
      try {
        const timer = commitStepDuration.startTimer({ step: 'commit' });
        committed = await traceRound(links, 'insert', 'book_changes', () => this.commit(chains));
        timer();
      } catch (error) {
        if (error instanceof NotCommittedError) {
          void this.outbox.remove(changes.map((change) => change.eventId)).catch(() => undefined);
          this.logger.warn(`Database unavailable, nothing committed: ${error.message}`);
          for (const { submission } of links) submission.reject(new ServiceUnavailableError('The database is not reachable right now'));
          return;
        }
        // Still unknown. The outbox keeps the changes: the relay publishes whichever did commit.
        for (const { submission } of links) submission.reject(new OutcomeUnknownError());
        return;
      }
      const lost = links.filter((link) => !committed.has(link.change._id));
      for (const { submission } of lost) submission.resolve({ outcome: 'taken' });
      void this.outbox.remove(lost.map((link) => link.change.eventId)).catch(() => undefined);

      const done = links.filter((link) => committed.has(link.change._id));
      const newestPerBook = new Map(done.map((link) => [link.change.bookId, link.change]));
      try {
        const applying = commitStepDuration.startTimer({ step: 'apply' });
        await traceRound(done, 'bulkWrite', 'books', () => this.repository.apply([...newestPerBook.values()]));
        applying();
        const publishing = commitStepDuration.startTimer({ step: 'publish' });
        await this.publisher.publish(done.map((link) => link.change));
        publishing();
        void this.outbox.remove(done.map((link) => link.change.eventId));
      } catch (error) {
        this.logger.warn(`${done.length} committed change(s) left for the relay: ${(error as Error).message}`);
      }
      // Answered once the events are out (or left to the relay): a client that has its answer
      // finds the change both in a read and in the stream.
      for (const { submission, change, before } of done) submission.resolve({ outcome: 'committed', change, before });
    } finally {
      for (const change of changes) this.inRound.delete(change.eventId);
    }
  }

  /** Commits the chains; returns the ids of the changes that are now committed. */
  private async commit(chains: Chain[]): Promise<Set<string>> {
    const firsts = chains.map((chain) => chain.links[0].change);
    const taken = await this.insert(firsts, false);
    const committed = new Set(firsts.filter((change) => !taken.has(change._id)).map((change) => change._id));
    // The rest of each chain whose first record went in: nobody else can take those versions,
    // since no other replica can see the version they build on until it is published.
    const rest = chains.filter((chain) => committed.has(chain.links[0].change._id)).flatMap((chain) => chain.links.slice(1).map((link) => link.change));
    if (rest.length > 0) {
      const refused = await this.insert(rest, true);
      // Ordered: a refusal (which should not happen) leaves everything after it out, never a gap.
      const firstRefused = rest.findIndex((change) => refused.has(change._id));
      for (const [index, change] of rest.entries()) if (firstRefused === -1 || index < firstRefused) committed.add(change._id);
    }
    return committed;
  }

  /** Inserts change records; returns those refused because their version was taken. */
  private async insert(changes: BookChangeDocument[], ordered: boolean): Promise<Set<string>> {
    try {
      return (await this.repository.commit(changes, ordered)).duplicates;
    } catch (error) {
      // No server was reachable: the command was never sent, so nothing is committed.
      if (neverSent(error)) throw new NotCommittedError(error as Error);
      return this.learnOutcome(changes, error as Error);
    }
  }

  /** After a failed commit command: reads back which changes went in, and which were another writer's. */
  private async learnOutcome(changes: BookChangeDocument[], cause: Error): Promise<Set<string>> {
    this.logger.warn(`Commit of ${changes.length} change(s) failed (${cause.message}); reading back what was committed`);
    const taken = new Set<string>();
    const missing: BookChangeDocument[] = [];
    for (const change of changes) {
      const stored = await this.repository.findChange(change._id);
      if (!stored) missing.push(change);
      else if (stored.eventId !== change.eventId) taken.add(change._id);
    }
    if (missing.length > 0) {
      // Not stored (yet): commit them again, in order. A refusal may be another writer's
      // record, or the first attempt landing late: the event id tells.
      for (const id of (await this.repository.commit(missing, true)).duplicates) {
        const stored = await this.repository.findChange(id);
        if (stored?.eventId !== missing.find((change) => change._id === id)?.eventId) taken.add(id);
      }
    }
    return taken;
  }
}

/**
 * Runs one database step of a round, with spans for its traced writes. One command serves
 * every write of the round, so each traced write gets a span of its own for it, in its own
 * trace: the step's start and end, and how many writes shared it (`db.operation.batch.size`).
 * The spans are made once the step is over, with its times; a round with no traced write
 * makes none.
 */
async function traceRound<T>(links: Link[], operation: string, collection: string, step: () => Promise<T>): Promise<T> {
  if (!links.some((link) => link.change.traceparent)) return step();
  const startTime = hrTime();
  let error: unknown;
  try {
    return await step();
  } catch (failure) {
    error = failure;
    throw failure;
  } finally {
    const endTime = hrTime();
    for (const { change } of links) {
      if (!change.traceparent) continue;
      const span = tracer.startSpan(
        `${operation} ${collection}`,
        {
          kind: SpanKind.CLIENT,
          startTime,
          attributes: {
            [ATTR_DB_SYSTEM_NAME]: 'mongodb',
            [ATTR_DB_COLLECTION_NAME]: collection,
            [ATTR_DB_OPERATION_NAME]: operation,
            [ATTR_DB_OPERATION_BATCH_SIZE]: links.length,
          },
        },
        contextFromTraceparent(change.traceparent),
      );
      if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      span.end(endTime);
    }
  }
}

/** The commit command never reached a database server: nothing was committed (the cause becomes a 503). */
class NotCommittedError extends Error {
  constructor(override readonly cause: Error) {
    super(cause.message);
  }
}

/**
 * Whether a failed command certainly was not executed: no server could be selected, the pool
 * was cleared before it got a connection, or the connection could not be established (the
 * driver labels that, and a server's refusal under overload, `SystemOverloadedError`).
 */
function neverSent(error: unknown): boolean {
  if (error instanceof MongoServerSelectionError) return true;
  if (error instanceof MongoError && (error.hasErrorLabel('SystemOverloadedError') || error.name === 'MongoPoolClearedError')) return true;
  return typeof error === 'object' && error !== null && 'cause' in error && error.cause !== error && neverSent(error.cause);
}
