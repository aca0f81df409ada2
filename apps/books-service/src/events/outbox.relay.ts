import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { BooksServiceConfig } from '../config/books-service.config';
import { BooksRepository } from '../books/books.repository';
import { BookEventsPublisher } from './book-events.publisher';

const BATCH = 500;

/**
 * Finishes the changes whose writer did not: a replica killed after committing, or NATS
 * unreachable at publish time. Every replica runs it; the work is idempotent (applying a
 * change checks the version, publishing is de-duplicated by event id), so no leader is
 * needed. It leaves young changes alone, because their writer is most likely still busy.
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
    const before = new Date(Date.now() - this.config.OUTBOX_GRACE_MS);
    const stale = await this.repository.findUnpublishedBefore(before, BATCH);
    const books = new Set<string>();
    for (const change of stale) {
      // Only a book's newest change can be unapplied, but applying is idempotent and
      // checks the version, so applying each in order is safe and simpler to reason about.
      await this.repository.applyChange(change);
      books.add(change.bookId);
    }
    for (const bookId of books) await this.publisher.publishPending(bookId);
    if (stale.length > 0) this.logger.log(`Relayed ${stale.length} change(s) of ${books.size} book(s)`);
  }
}
