import { Injectable, Logger } from '@nestjs/common';
import { type JetStreamClient, jetstream } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import { REQUEST_ID_HEADER, bookEventSubject, type BookEvent } from '@books/contracts';
import { NatsConnectionManager } from '@books/nats-rpc';
import { type BookChangeDocument, toBook } from '../books/book.document';
import { BooksRepository } from '../books/books.repository';
import { eventPublishLag, eventsPublished } from './book-events.metrics';

const PUBLISH_TIMEOUT_MS = 2_000;

/** Where book events are born: committed changes become JetStream messages here. */
@Injectable()
export class BookEventsPublisher {
  private readonly logger = new Logger(BookEventsPublisher.name);
  private js?: JetStreamClient;

  constructor(
    private readonly nats: NatsConnectionManager,
    private readonly repository: BooksRepository,
  ) {}

  /**
   * Publishes the committed but unpublished changes of one book, oldest first, so that
   * the stream holds each book's events in version order even when several replicas
   * publish at once (a copy published twice is dropped by its message id). It never
   * throws: the change is already committed, and the relay retries what is left.
   */
  async publishPending(bookId: string): Promise<void> {
    try {
      for (const change of await this.repository.findUnpublished(bookId)) {
        await this.publish(change);
      }
    } catch (error) {
      this.logger.warn(`Events of book ${bookId} left for the relay: ${(error as Error).message}`);
    }
  }

  /**
   * Publishes the change a writer has just applied, after any earlier change of the book that
   * is not marked published yet (usually none; or the one before, when the same book is
   * written again before its flag is set). It walks back by id, one indexed lookup per
   * version, instead of {@link publishPending}'s query, which FerretDB answers by reading the
   * whole change log. A copy of an event already out is dropped by JetStream (same id).
   */
  async publishCommitted(change: BookChangeDocument): Promise<void> {
    try {
      const pending = [change];
      for (let version = change.version - 1; version >= 1; version--) {
        const previous = await this.repository.findChange(change.bookId, version);
        if (!previous || previous.published) break;
        pending.unshift(previous);
      }
      for (const next of pending) await this.publish(next);
    } catch (error) {
      this.logger.warn(`Events of book ${change.bookId} up to ${change._id} left for the relay: ${(error as Error).message}`);
    }
  }

  private async publish(change: BookChangeDocument): Promise<void> {
    this.js ??= jetstream(this.nats.connection);
    const event = toBookEvent(change);
    const h = headers();
    if (change.requestId) h.set(REQUEST_ID_HEADER, change.requestId);
    await this.js.publish(bookEventSubject(event.type), JSON.stringify(event), {
      msgID: change.eventId,
      timeout: PUBLISH_TIMEOUT_MS,
      headers: h,
    });
    eventsPublished.inc({ type: event.type });
    eventPublishLag.observe((Date.now() - change.occurredAt.getTime()) / 1000);
    // Not awaited: the event is out, and nobody should wait for the flag. If it is lost, the
    // relay publishes the change again and JetStream drops the copy by its message id.
    void this.repository.markPublished(change).catch((error: unknown) => {
      this.logger.warn(`Could not mark ${change._id} published: ${(error as Error).message}`);
    });
  }
}

export function toBookEvent(change: BookChangeDocument): BookEvent {
  return {
    eventId: change.eventId,
    type: `book.${change.type}`,
    bookId: change.bookId,
    version: change.version,
    occurredAt: change.occurredAt.toISOString(),
    book: change.book ? toBook(change.book) : null,
    ...(change.requestId ? { requestId: change.requestId } : {}),
  };
}
