import * as z from 'zod';
import { BookIdSchema, BookInputSchema, BookPatchSchema, type Book } from './book.schema';
import type { BookPage, ListBooksRequest } from './list-books.schema';
import type { ImportBooksRequest, ImportBooksResponse } from './import-export';
import type { BookHistoryPage, BookHistoryRequest, RestoreBookRequest } from './history.schema';
import { BooksSubjects } from '../subjects';

/**
 * Payloads of the books-service subjects. The gateway builds them from HTTP requests;
 * the service validates them again, because a message may come from any program.
 */
const expectedVersion = z.int().min(1).optional();

export const IdempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, { error: 'Idempotency-Key must be 1 to 255 visible ASCII characters' });

/**
 * The key the books-service sees: the client's Idempotency-Key, scoped by the gateway to the
 * signed-in caller as `<subject>/<key>` (subjects are at most 255 visible ASCII characters),
 * so two callers' keys never name the same create.
 */
export const ScopedIdempotencyKeySchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,511}$/, { error: 'The idempotency key must be 1 to 511 visible ASCII characters' });

export const GetBookRequestSchema = z.strictObject({ id: BookIdSchema });
export type GetBookRequest = z.output<typeof GetBookRequestSchema>;

export const CreateBookRequestSchema = z.strictObject({
  book: BookInputSchema,
  idempotencyKey: ScopedIdempotencyKeySchema.optional(),
});
export type CreateBookRequest = z.input<typeof CreateBookRequestSchema>;

export const UpdateBookRequestSchema = z.strictObject({
  id: BookIdSchema,
  changes: BookPatchSchema,
  /** The version the caller last saw (If-Match); the change applies only to that version. */
  expectedVersion,
});
export type UpdateBookRequest = z.input<typeof UpdateBookRequestSchema>;

export const DeleteBookRequestSchema = z.strictObject({ id: BookIdSchema, expectedVersion });
export type DeleteBookRequest = z.input<typeof DeleteBookRequestSchema>;

/** What each subject takes and answers, for typed clients. */
export interface BooksRpc {
  [BooksSubjects.list]: { request: ListBooksRequest; response: BookPage };
  [BooksSubjects.get]: { request: GetBookRequest; response: Book };
  [BooksSubjects.create]: { request: CreateBookRequest; response: Book };
  [BooksSubjects.update]: { request: UpdateBookRequest; response: Book };
  [BooksSubjects.delete]: { request: DeleteBookRequest; response: { id: string; version: number } };
  [BooksSubjects.history]: { request: BookHistoryRequest; response: BookHistoryPage };
  [BooksSubjects.restore]: { request: RestoreBookRequest; response: Book };
  [BooksSubjects.import]: { request: ImportBooksRequest; response: ImportBooksResponse };
  [BooksSubjects.export]: { request: { cursor?: string }; response: BookPage };
  [BooksSubjects.ping]: { request: Record<string, never>; response: { replica: string } };
}
