import * as z from 'zod';
import { BookIdSchema, BookInputSchema, type BookInput } from './book.schema';

/**
 * Bulk import and export of the catalogue (`POST /api/books/import`,
 * `GET /api/books/export?format=`). The gateway parses and validates an import a record at a
 * time as it streams in, and hands valid records to the books-service in batches; the CLI and
 * the web app send files and show the report.
 */

/** The formats an import may come in, by the Content-Type it is sent with. */
export const IMPORT_CONTENT_TYPES = {
  'application/x-ndjson': 'ndjson',
  'text/csv': 'csv',
  'application/json': 'json',
} as const;
export type ImportFormat = (typeof IMPORT_CONTENT_TYPES)[keyof typeof IMPORT_CONTENT_TYPES];

export const EXPORT_FORMATS = ['ndjson', 'csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The Content-Type each format is sent with (exports) and accepted under (imports). */
export const FORMAT_CONTENT_TYPES: Record<ExportFormat, string> = {
  ndjson: 'application/x-ndjson',
  csv: 'text/csv',
  json: 'application/json',
};

/** CSV columns, in the order an export writes them. An import needs `title` and `author`; the rest may be absent. */
export const CSV_COLUMNS = ['id', 'title', 'author', 'year', 'score', 'read', 'version', 'createdAt', 'updatedAt'] as const;

export const IMPORT_LIMITS = {
  /** Valid records the gateway hands the books-service in one request. */
  batchSize: 500,
  /** Rejections listed in a report; the count covers all of them. */
  maxListedRejections: 10_000,
} as const;

/**
 * One record of an import: a book's editable fields and, optionally, its id. Without an id
 * the book's id is derived from its title, author and year (folded), so the same file sent
 * twice names the same books. What an export adds (`version`, `createdAt`, `updatedAt`) is
 * accepted and ignored: an export can be imported as it is.
 */
export const ImportRecordSchema = z
  .strictObject(
    {
      id: BookIdSchema.optional(),
      ...BookInputSchema.shape,
      version: z.unknown().optional(),
      createdAt: z.unknown().optional(),
      updatedAt: z.unknown().optional(),
    },
    { error: 'A record must be an object with a title and an author' },
  )
  .transform(({ id, title, author, year, score, read }) => ({ id, book: { title, author, year, score, read } as BookInput }));
export type ImportRecord = z.output<typeof ImportRecordSchema>;

/** What the books-service takes: valid records, each with its id decided. */
export const ImportBooksRequestSchema = z.strictObject({
  books: z.array(z.strictObject({ id: BookIdSchema, book: BookInputSchema })).min(1).max(IMPORT_LIMITS.batchSize),
});
export type ImportBooksRequest = z.input<typeof ImportBooksRequestSchema>;
/** An import batch as the books-service holds it once validated (defaults filled in). */
export type ImportBooksPayload = z.output<typeof ImportBooksRequestSchema>;

export type ImportOutcome = 'created' | 'updated' | 'unchanged';
/** One entry per record of the request, in order: what became of it, or why it was refused. */
export interface ImportBooksResponse {
  results: ({ outcome: ImportOutcome } | { outcome: 'rejected'; reason: string })[];
}

/** A record the import did not take. */
export interface ImportRejection {
  /** 1-based position of the record in the file. */
  record: number;
  /** 1-based line where the record is, for NDJSON and CSV (a CSV's header is line 1). */
  line?: number;
  /** The field at fault, when one is. */
  field?: string;
  reason: string;
}

/** The answer to an import. Each record is taken whole or not at all. */
export interface ImportReport {
  /** Records read from the file. */
  received: number;
  created: number;
  updated: number;
  /** Records equal to the book already in the catalogue: nothing written, no event. */
  unchanged: number;
  rejected: number;
  /** The first {@link IMPORT_LIMITS.maxListedRejections} rejections, in file order. */
  rejections: ImportRejection[];
}
