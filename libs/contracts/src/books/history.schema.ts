import * as z from 'zod';
import type { Actor, RecordedActor } from './actor.schema';
import { BookIdSchema, type Book, EDITABLE_FIELDS } from './book.schema';

/**
 * Each book's history (`GET /api/books/{id}/history`) and restoring a deleted book
 * (`POST /api/books/{id}/restore`). The history comes from the change log, a page of versions
 * at a time, newest first; a page costs what its size costs, however many versions there are.
 */
export const HISTORY_LIMITS = { defaultLimit: 20, maxLimit: 100 } as const;

/** The history query string: `before` a version (the `next` of the previous page), `limit` versions. */
export const BookHistoryQuerySchema = z.strictObject({
  before: z
    .string({ error: 'before must be given once, as a version number' })
    .regex(/^\d{1,9}$/, { error: 'before must be a version number' })
    .transform(Number)
    .pipe(z.int().min(2, { error: 'before must be at least 2' }))
    .optional(),
  limit: z
    .string({ error: 'limit must be given once, as a whole number' })
    .regex(/^\d{1,3}$/, { error: `limit must be a whole number from 1 to ${HISTORY_LIMITS.maxLimit}` })
    .transform(Number)
    .pipe(z.int().min(1).max(HISTORY_LIMITS.maxLimit, { error: `limit must be at most ${HISTORY_LIMITS.maxLimit}` }))
    .optional(),
});

export const BookHistoryRequestSchema = z.strictObject({
  id: BookIdSchema,
  before: z.int().min(2).optional(),
  limit: z.int().min(1).max(HISTORY_LIMITS.maxLimit).default(HISTORY_LIMITS.defaultLimit),
});
export type BookHistoryRequest = z.input<typeof BookHistoryRequestSchema>;

export type EditableField = (typeof EDITABLE_FIELDS)[number];

/** One version of a book: what the change did, field by field. */
export interface BookHistoryEntry {
  version: number;
  /** `created` for the first version and for a restore of a deleted book. */
  type: 'created' | 'updated' | 'deleted';
  occurredAt: string;
  /** The book after the change; null for a delete. */
  book: Book | null;
  /** The fields that differ from the version before (for a create: those with a value, from null; for a delete: to null). */
  changes: { field: EditableField; from: unknown; to: unknown }[];
  /**
   * Who made the change; absent for changes made without sign-in. The books-service includes
   * the subject; the gateway passes it on to admins only.
   */
  actor?: Actor | RecordedActor;
}

export interface BookHistoryPage {
  /** Newest first. */
  items: BookHistoryEntry[];
  /** The `before` of the next (older) page, or null after version 1. */
  next: number | null;
}

export const RestoreBookRequestSchema = z.strictObject({
  id: BookIdSchema,
  /** The version of the delete (If-Match): restores only if the book is still deleted at it. */
  expectedVersion: z.int().min(2).optional(),
});
export type RestoreBookRequest = z.input<typeof RestoreBookRequestSchema>;
