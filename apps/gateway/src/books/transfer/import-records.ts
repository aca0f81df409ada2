import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import StreamArray from 'stream-json/streamers/StreamArray';
import { CSV_COLUMNS, type ImportFormat } from '@books/contracts';

/** One record read from an import file: its value, or why it could not be read. */
export interface RawRecord {
  /** 1-based position in the file. */
  record: number;
  /** 1-based line, where the format has lines (NDJSON, CSV). */
  line?: number;
  value?: unknown;
  /** Set when the record is not even well-formed (bad JSON on an NDJSON line, say). */
  unreadable?: string;
}

/** A file that cannot be read past a point: the import stops there and says where. */
export class UnreadableFileError extends Error {}

/**
 * The records of an import file, one at a time as the stream delivers them: memory stays
 * flat however large the file. A malformed record becomes an unreadable one (reported, the
 * rest still read) where the format allows it; a broken CSV or JSON array ends the file.
 */
export function readImportRecords(input: Readable, format: ImportFormat): AsyncIterable<RawRecord> {
  switch (format) {
    case 'ndjson':
      return readNdjson(input);
    case 'csv':
      return readCsv(input);
    case 'json':
      return readJsonArray(input);
  }
}

async function* readNdjson(input: Readable): AsyncIterable<RawRecord> {
  let line = 0;
  let record = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line++;
    if (text.trim() === '') continue;
    record++;
    try {
      yield { record, line, value: JSON.parse(text) };
    } catch {
      yield { record, line, unreadable: 'This line is not valid JSON' };
    }
  }
}

async function* readCsv(input: Readable): AsyncIterable<RawRecord> {
  const known = new Set<string>(CSV_COLUMNS);
  const parser = input.pipe(
    parseCsv({
      bom: true,
      info: true,
      skip_empty_lines: true,
      // The header names the columns; one this catalogue does not know is a mistake worth saying.
      columns: (header: string[]) => {
        const unknown = header.filter((name) => !known.has(name));
        if (unknown.length > 0) throw new UnreadableFileError(`Unknown column(s) ${unknown.map((name) => `"${name}"`).join(', ')}; expected some of ${CSV_COLUMNS.join(', ')}`);
        return header;
      },
    }),
  );
  let record = 0;
  try {
    for await (const { record: row, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      record++;
      yield { record, line: info.lines, value: fromCsvRow(row) };
    }
  } catch (error) {
    if (error instanceof UnreadableFileError) throw error;
    throw new UnreadableFileError(`The CSV cannot be read after record ${record}: ${(error as Error).message}`);
  }
}

/** CSV cells are text: empty year or score means none, `read` is true or false (empty: false). */
function fromCsvRow(row: Record<string, string>): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const [column, cell] of Object.entries(row)) {
    if (column === 'year' || column === 'score') value[column] = cell.trim() === '' ? null : /^-?\d+$/.test(cell.trim()) ? Number(cell) : cell;
    else if (column === 'read') value[column] = cell.trim() === '' ? false : cell.trim() === 'true' ? true : cell.trim() === 'false' ? false : cell;
    else if (column === 'id' && cell.trim() === '') continue;
    else value[column] = cell;
  }
  return value;
}

async function* readJsonArray(input: Readable): AsyncIterable<RawRecord> {
  const items = input.pipe(StreamArray.withParser());
  let record = 0;
  try {
    for await (const { value } of items as AsyncIterable<{ key: number; value: unknown }>) {
      record++;
      yield { record, value };
    }
  } catch (error) {
    throw new UnreadableFileError(`The JSON cannot be read after record ${record}: it must be one array of book objects (${(error as Error).message})`);
  }
}
