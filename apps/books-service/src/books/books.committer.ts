import { Injectable, Logger } from '@nestjs/common';
import { BooksServiceConfig } from '../config/books-service.config';
import { OutcomeUnknownError, ServiceUnavailableError } from '../errors/domain.errors';
import { commitBatchSize } from '../events/book-events.metrics';
import { BookEventsPublisher } from '../events/book-events.publisher';
import { OutboxIntents } from '../events/outbox.intents';
import type { BookChangeDocument } from './book.document';
import { BooksRepository } from './books.repository';

/** `committed`: the change is the book's next version. `taken`: another writer committed that version first. */
export type CommitOutcome = 'committed' | 'taken';

interface Submission {
  change: BookChangeDocument;
  resolve: (outcome: CommitOutcome) => void;
  reject: (error: Error) => void;
}

/**
 * Group commit. Writes that arrive while a round is running wait for the next one, and each
 * round handles all of them with the same few steps, whatever their number:
 *   1. list the changes in this replica's outbox (NATS key-value, see OutboxIntents);
 *   2. commit: insert their change records in one command; a record whose version another
 *      writer took is refused by the unique `_id`;
 *   3. apply the committed ones to `books` in one command;
 *   4. publish their events (JetStream), then take them off the outbox.
 * A round takes at most one change per book, so a book's versions are committed in order.
 * Once step 2 has committed a change, its writer is told so even if a later step fails: the
 * relay finishes what a round leaves behind.
 */
@Injectable()
export class BooksCommitter {
  private readonly logger = new Logger(BooksCommitter.name);
  private queue: Submission[] = [];
  private draining = false;
  /** Ids of the changes of the round in progress: their outbox entries are not abandoned. */
  private readonly inRound = new Set<string>();

  constructor(
    private readonly config: BooksServiceConfig,
    private readonly repository: BooksRepository,
    private readonly publisher: BookEventsPublisher,
    private readonly outbox: OutboxIntents,
  ) {}

  submit(change: BookChangeDocument): Promise<CommitOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ change, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  /** Whether a change of this replica's outbox belongs to a round still running. */
  isInRound(id: string): boolean {
    return this.inRound.has(id);
  }

  /**
   * Runs rounds while writes wait. The loop's last check and the flag's reset happen in one
   * synchronous step, so a write submitted as a round ends is never left in the queue.
   */
  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const round: Submission[] = [];
        const later: Submission[] = [];
        const books = new Set<string>();
        for (const submission of this.queue) {
          if (round.length < this.config.COMMIT_BATCH_MAX && !books.has(submission.change.bookId)) {
            books.add(submission.change.bookId);
            round.push(submission);
          } else {
            later.push(submission);
          }
        }
        this.queue = later;
        await this.run(round);
      }
    } finally {
      this.draining = false;
    }
  }

  private async run(round: Submission[]): Promise<void> {
    const changes = round.map((submission) => submission.change);
    commitBatchSize.observe(changes.length);
    for (const change of changes) this.inRound.add(change._id);
    try {
      try {
        await this.outbox.add(changes.map((change) => ({ id: change._id, eventId: change.eventId })));
      } catch (error) {
        // Nothing is committed: the caller may simply try again.
        this.logger.warn(`Could not list ${changes.length} change(s) in the outbox: ${(error as Error).message}`);
        void this.outbox.remove(changes.map((change) => change._id)).catch(() => undefined);
        for (const { reject } of round) reject(new ServiceUnavailableError('NATS is not reachable right now'));
        return;
      }

      let taken: Set<string>;
      try {
        taken = (await this.repository.commit(changes)).duplicates;
      } catch (error) {
        try {
          taken = await this.learnOutcome(changes, error as Error);
        } catch {
          // Still unknown. The outbox keeps the changes: the relay publishes whichever did commit.
          for (const { reject } of round) reject(new OutcomeUnknownError());
          return;
        }
      }
      const committed = changes.filter((change) => !taken.has(change._id));
      for (const submission of round) if (taken.has(submission.change._id)) submission.resolve('taken');
      void this.outbox.remove(taken).catch(() => undefined);

      try {
        await this.repository.apply(committed);
        await this.publisher.publish(committed);
        void this.outbox.remove(committed.map((change) => change._id)).catch((error: unknown) => {
          this.logger.warn(`Could not take ${committed.length} published change(s) off the outbox: ${(error as Error).message}`);
        });
      } catch (error) {
        this.logger.warn(`${committed.length} committed change(s) left for the relay: ${(error as Error).message}`);
      }
      for (const submission of round) if (!taken.has(submission.change._id)) submission.resolve('committed');
    } finally {
      for (const change of changes) this.inRound.delete(change._id);
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
      // Not stored (yet): commit them again. A refusal may be another writer's record, or the
      // first attempt landing late: the event id tells.
      for (const id of (await this.repository.commit(missing)).duplicates) {
        const stored = await this.repository.findChange(id);
        if (stored?.eventId !== missing.find((change) => change._id === id)?.eventId) taken.add(id);
      }
    }
    return taken;
  }
}
