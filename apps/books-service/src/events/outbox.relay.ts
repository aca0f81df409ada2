import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { BooksServiceConfig } from '../config/books-service.config';
import { BooksRepository } from '../books/books.repository';
import { BookEventsPublisher } from './book-events.publisher';

const BATCH = 500;

/**
 * Finishes the changes whose writer did not: a replica killed after committing, or NATS
 * unreachable at publish time. Every replica runs it; the work is idempotent (applying a
 * change checks the version, publishing is de-duplicated by event id), so no leader is
 * needed. It publishes changes left unpublished for OUTBOX_GRACE_MS, and applies a
 * committed change to the books collection only after OUTBOX_APPLY_GRACE_MS.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  constructor(
    private readonly config: BooksServiceConfig,
    private readonly repository: BooksRepository,
    private readonly publisher: BookEventsPublisher,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.OUTBOX_INTERVAL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /** One pass; concurrent calls share the pass in progress. */
  sweep(): Promise<void> {
    this.sweeping ??= this.relay()
      .catch((error: unknown) => this.logger.warn(`Relay pass failed: ${(error as Error).message}`))
      .finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async relay(): Promise<void> {
    const now = Date.now();
    const stale = await this.repository.findUnpublishedBefore(new Date(now - this.config.OUTBOX_GRACE_MS), BATCH);
    const newestByBook = new Map(stale.map((change) => [change.bookId, change]));
    let rolledForward = 0;
    for (const [bookId, newest] of newestByBook) {
      // Only a book's newest change can be unapplied: nobody can commit the next version
      // before it is. An event is published only after its change is applied.
      if (!(await this.repository.isApplied(newest))) {
        if (newest.type === 'created') {
          await this.repository.ensureCreated(newest);
        } else {
          // Its writer may only be slow. Writing for it too soon could race it, and on a
          // database without atomic conditional writes (FerretDB) a late write can undo a
          // newer one; so roll forward only once the writer has surely died.
          if (now - newest.occurredAt.getTime() < this.config.OUTBOX_APPLY_GRACE_MS) continue;
          await this.repository.applyChange(newest);
        }
        rolledForward++;
      }
      await this.publisher.publishPending(bookId);
    }
    if (stale.length > 0) {
      this.logger.log(`Relayed ${stale.length} change(s) of ${newestByBook.size} book(s); rolled ${rolledForward} forward`);
    }
  }
}
