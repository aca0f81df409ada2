import * as z from 'zod';
import { ActorSchema } from '../books/actor.schema';
import { BookIdSchema, BookSchema } from '../books/book.schema';

/**
 * The book-changed events: one per committed change, on a JetStream stream.
 *
 * Compatibility: fields are only ever added. A breaking change gets new subjects
 * (`books.v2.events.*`) published beside these for as long as consumers need them.
 * The major version is in the subjects and the stream name; the minor one counts the
 * fields added since (see BOOK_EVENT_SCHEMA_VERSION and docs/events.md).
 */
export const BOOK_EVENTS_STREAM = 'BOOKS_V1_EVENTS';

export const BookEventSubjects = {
  created: 'books.v1.events.created',
  updated: 'books.v1.events.updated',
  deleted: 'books.v1.events.deleted',
} as const;
/** Subscribe to this to receive every kind of book event. */
export const BOOK_EVENTS_WILDCARD = 'books.v1.events.>';

export const BOOK_EVENT_TYPES = ['book.created', 'book.updated', 'book.deleted'] as const;
export type BookEventType = (typeof BOOK_EVENT_TYPES)[number];

/**
 * The schema's version: `1.<n>` while changes are additions that old consumers ignore.
 * 1.0: the envelope and the book. 1.1: the optional `actor`.
 */
export const BOOK_EVENT_SCHEMA_VERSION = '1.1';

export const BookEventSchema = z
  .object({
    eventId: z.uuid().meta({ description: 'Unique per change; also the JetStream message id (Nats-Msg-Id).' }),
    type: z.enum(BOOK_EVENT_TYPES),
    bookId: BookIdSchema,
    version: z.int().min(1).meta({ description: 'The version the change produced. Per book, events arrive in version order.' }),
    occurredAt: z.iso.datetime().meta({ description: 'When the change was committed.' }),
    book: BookSchema.nullable().meta({ description: 'The book after the change; null for book.deleted.' }),
    requestId: z.string().optional().meta({ description: 'The X-Request-Id of the HTTP request that made the change.' }),
    actor: ActorSchema.optional().meta({ description: 'Since 1.1: who made the change (display name and kind, never the account id); absent without sign-in.' }),
  })
  .meta({ id: 'BookEvent', title: 'Book event', description: 'One committed change to a book.' });
export type BookEvent = z.output<typeof BookEventSchema>;

export function bookEventSubject(type: BookEventType): string {
  return BookEventSubjects[type.slice('book.'.length) as keyof typeof BookEventSubjects];
}

export type BookEventReading = { ok: true; event: BookEvent } | { ok: false; reason: string };

/**
 * Reads one message's payload (JSON text) as a BookEvent, the way every consumer must:
 * anyone allowed to publish on the subjects can send `null` or garbage, and a consumer that
 * trusts the payload dies of it, again on every replay. One that is not a BookEvent comes
 * back with the reason, for the consumer to skip, count and log with its stream sequence.
 */
export function readBookEvent(json: string): BookEventReading {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const result = BookEventSchema.safeParse(value);
  if (result.success) return { ok: true, event: result.data };
  const issue = result.error.issues[0];
  return { ok: false, reason: `${issue.path.join('.') || 'payload'}: ${issue.message}` };
}
