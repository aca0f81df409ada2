import { FORMAT_CONTENT_TYPES, IMPORT_CONTENT_TYPES, type ImportFormat, type ImportRejection } from '@books/contracts';
import { type ApiError, describeApiError } from './problem';

/** What the file picker offers: the extensions of the formats the API reads. */
export const IMPORT_ACCEPT = '.csv,.ndjson,.jsonl,.json';

const FORMAT_BY_EXTENSION = new Map<string, ImportFormat>([
  ['csv', 'csv'],
  ['ndjson', 'ndjson'],
  ['jsonl', 'ndjson'],
  ['json', 'json'],
]);
const FORMAT_BY_TYPE = new Map<string, ImportFormat>(Object.entries(IMPORT_CONTENT_TYPES));

/**
 * The Content-Type to send a file with, or undefined when it is no format the API reads. The
 * name decides first: browsers give .ndjson and .jsonl no type at all, and some call a .csv
 * `application/vnd.ms-excel`. A name without a known extension falls back to the browser's type.
 */
export function importContentType(file: { readonly name: string; readonly type: string }): string | undefined {
  const extension = /\.([^.]+)$/.exec(file.name)?.[1].toLowerCase() ?? '';
  const format = FORMAT_BY_EXTENSION.get(extension) ?? FORMAT_BY_TYPE.get(file.type);
  return format && FORMAT_CONTENT_TYPES[format];
}

/** The Content-Type to send a file with, or why it is not sent at all. */
export function prepareImport(file: {
  readonly name: string;
  readonly type: string;
  readonly size: number;
}): { readonly contentType: string } | { readonly refusal: string } {
  const contentType = importContentType(file);
  if (!contentType) return { refusal: unsupported(file.name) };
  if (file.size === 0) return { refusal: `“${file.name}” is empty: there is nothing to import.` };
  return { contentType };
}

/** What went wrong with an import, in the reader's words: what happened to their file and what to do. */
export function describeImportError(error: ApiError, fileName: string): string {
  // The API saves records in batches as it reads, so a broken-off import may have added some.
  const safeToRepeat = 'Books already added will not be added twice when you import it again.';
  if (error.unreachable) {
    return `“${fileName}” was not fully imported: the books service cannot be reached. Check your connection, then try again. ${safeToRepeat}`;
  }
  switch (error.status) {
    case 413:
      return `“${fileName}” is too large to import. Split it into smaller files and import them one at a time.`;
    case 415:
      return unsupported(fileName);
    default:
      return `“${fileName}” could not be imported. ${describeApiError(error)}`;
  }
}

/** Failures that may pass by themselves, so "Try again" with the same file makes sense. */
export function isRetryable(error: ApiError): boolean {
  return error.unreachable || error.status === 408 || error.status === 429 || error.status >= 500;
}

/** The rejections as CSV (RFC 4180), for the reader to fix their file in a spreadsheet. */
export function rejectionsCsv(rejections: readonly ImportRejection[]): string {
  const rows = [
    ['record', 'line', 'field', 'reason'],
    ...rejections.map(({ record, line, field, reason }) => [String(record), line === undefined ? '' : String(line), field ?? '', reason]),
  ];
  // A byte-order mark, or Excel reads UTF-8 as a legacy code page and garbles accents and quotes.
  return `\uFEFF${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** "books.csv" → "books-rejections.csv". */
export function rejectionsFileName(fileName: string): string {
  const stem = fileName.replace(/\.[^.]*$/, '') || 'import';
  return `${stem}-rejections.csv`;
}

function unsupported(fileName: string): string {
  return `“${fileName}” is not a file the catalogue can import. Choose a CSV, NDJSON or JSON file (.csv, .ndjson, .jsonl or .json).`;
}

/**
 * Quotes a cell when it needs it. Reasons can quote what was in the file, so a cell that a
 * spreadsheet would run as a formula (=, +, -, @) is prefixed with an apostrophe (OWASP's advice).
 */
function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
