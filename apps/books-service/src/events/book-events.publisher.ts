import { Injectable } from '@nestjs/common';
import { type JetStreamClient, jetstream } from '@nats-io/jetstream';
import { type MsgHdrs, headers } from '@nats-io/transport-node';
import { type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { BOOK_EVENTS_STREAM, REQUEST_ID_HEADER, bookEventSubject, type BookEvent } from '@books/contracts';
import { NatsConnectionManager, injectTraceContext } from '@books/nats-rpc';
import { MessagingAttributes, contextFromTraceparent } from '@books/server-kit';
import { type BookChangeDocument, toBook } from '../books/book.document';
import { BookStateCache } from '../books/book-state.cache';
import { eventPublishLag, eventsPublished } from './book-events.metrics';
import { acrossFailover } from './jetstream-failover';

const PUBLISH_TIMEOUT_MS = 2_000;
const tracer = trace.getTracer('books-service');

/**
 * Where book events are born: committed and applied changes become JetStream messages here.
 * The message id is the change's event id, so a change published twice (by its writer and
 * by the relay) is stored once.
 */
@Injectable()
export class BookEventsPublisher {
  private js?: JetStreamClient;

  constructor(
    private readonly nats: NatsConnectionManager,
    private readonly states: BookStateCache,
  ) {}

  /**
   * Publishes changes and resolves once JetStream has stored them all. Each book's changes go
   * out one after the other, in the order given (callers pass them in version order), so a
   * failed publish never lets a later version in ahead of it; different books go in parallel.
   */
  async publish(changes: BookChangeDocument[]): Promise<void> {
    const byBook = new Map<string, BookChangeDocument[]>();
    for (const change of changes) byBook.set(change.bookId, [...(byBook.get(change.bookId) ?? []), change]);
    await Promise.all([...byBook.values()].map(async (ofBook) => {
      for (const change of ofBook) await this.publishOne(change);
    }));
  }

  private async publishOne(change: BookChangeDocument): Promise<void> {
    this.js ??= jetstream(this.nats.connection);
    const event = toBookEvent(change);
    const subject = bookEventSubject(event.type);
    const h = headers();
    if (change.requestId) h.set(REQUEST_ID_HEADER, change.requestId);
    const span = change.traceparent ? this.publishSpan(change.traceparent, subject, change.eventId, h) : undefined;
    try {
      // De-duplicated by msgID, so a retry after a lost ack stores the event once.
      const js = this.js;
      // Tracked: a move to another NATS server (lame duck mode) waits for the ack, which it would lose.
      const ack = await acrossFailover(() => this.nats.track(js.publish(subject, JSON.stringify(event), { msgID: change.eventId, timeout: PUBLISH_TIMEOUT_MS, headers: h })));
      eventsPublished.inc({ type: event.type });
      eventPublishLag.observe((Date.now() - change.occurredAt.getTime()) / 1000);
      this.states.published(change.bookId, change.eventId, { version: change.version, book: change.book }, ack.seq);
    } catch (error) {
      span?.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span?.end();
    }
  }

  /**
   * The publish span of a traced change, in the trace of the request that made it (even when
   * the relay publishes it later); its context goes into the event's headers, for whoever
   * consumes the event (the gateway's SSE relay) to continue the trace.
   */
  private publishSpan(traceparent: string, subject: string, eventId: string, eventHeaders: MsgHdrs): Span {
    const parent = contextFromTraceparent(traceparent);
    const span = tracer.startSpan(
      `publish ${BOOK_EVENTS_STREAM}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          [MessagingAttributes.system]: 'nats',
          [MessagingAttributes.destination]: subject,
          [MessagingAttributes.operationName]: 'publish',
          [MessagingAttributes.operationType]: 'send',
          [MessagingAttributes.messageId]: eventId,
        },
      },
      parent,
    );
    injectTraceContext(trace.setSpan(parent, span), eventHeaders);
    return span;
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
    // The stream is public: the display name, never the subject (an account id).
    ...(change.actor ? { actor: { name: change.actor.name, kind: change.actor.kind } } : {}),
  };
}
