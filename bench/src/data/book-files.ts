import { type BookInput, CSV_COLUMNS, EDITABLE_FIELDS, type ExportFormat } from '@books/contracts';

/** A file of books in one of the formats the API imports and exports. */
export type BookFileFormat = ExportFormat;

/** The CSV columns a book without id and timestamps fills, in the export's order. */
const CSV_BOOK_COLUMNS = CSV_COLUMNS.filter((column): column is (typeof EDITABLE_FIELDS)[number] => (EDITABLE_FIELDS as readonly string[]).includes(column));

/** Chunks handed to the stream: large enough that a file of 100,000 books is a few hundred writes. */
const CHUNK_CHARACTERS = 64 * 1024;

/**
 * The text of a file of the books, as chunks to stream: each book is encoded as it comes, so
 * memory holds one chunk, never the whole file. NDJSON: one JSON object per line. CSV: a header
 * row, null as an empty field, fields quoted when they hold a comma, a quote or a line break
 * (RFC 4180). JSON: an array, one book per line.
 */
export function encodeBooks(books: Iterable<BookInput>, format: BookFileFormat): Generator<string> {
  return inChunks(ENCODERS[format](books));
}

function* ndjsonLines(books: Iterable<BookInput>): Generator<string> {
  for (const book of books) yield `${JSON.stringify(book)}\n`;
}

function* jsonArray(books: Iterable<BookInput>): Generator<string> {
  let separator = '[\n';
  for (const book of books) {
    yield `${separator}${JSON.stringify(book)}`;
    separator = ',\n';
  }
  yield separator === '[\n' ? '[]\n' : '\n]\n';
}

function* csvLines(books: Iterable<BookInput>): Generator<string> {
  yield `${CSV_BOOK_COLUMNS.join(',')}\n`;
  for (const book of books) yield `${CSV_BOOK_COLUMNS.map((column) => csvField(book[column])).join(',')}\n`;
}

const ENCODERS: Record<BookFileFormat, (books: Iterable<BookInput>) => Iterable<string>> = { ndjson: ndjsonLines, csv: csvLines, json: jsonArray };

function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function* inChunks(parts: Iterable<string>): Generator<string> {
  let chunk = '';
  for (const part of parts) {
    chunk += part;
    if (chunk.length >= CHUNK_CHARACTERS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
