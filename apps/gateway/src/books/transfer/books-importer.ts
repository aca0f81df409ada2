import { Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import {
  IMPORT_LIMITS,
  type ImportBooksRequest,
  type ImportFormat,
  type ImportRejection,
  type ImportReport,
  ImportRecordSchema,
  type BookInput,
  searchKey,
} from '@books/contracts';
import { uuidV5 } from '@books/server-kit';
import type { Caller } from '../../auth/caller';
import { BooksClient } from '../books.client';
import { readImportRecords } from './import-records';

/** Namespace of the ids derived from a record's natural key (title, author, year). */
const NATURAL_KEY_NAMESPACE = '6f1c2a8e-3b4d-5e9f-a017-2c8d4b6e9f13';

/**
 * The id a record without one gets: the same title, author and year (case, accents and
 * apostrophes folded) always name the same book, so sending a file twice adds nothing.
 */
export function naturalBookId(book: BookInput): string {
  return uuidV5(JSON.stringify([searchKey(book.title), searchKey(book.author), book.year]), NATURAL_KEY_NAMESPACE);
}

/**
 * Runs an import: reads the file a record at a time, validates each with the contract, and
 * hands the valid ones to the books-service in batches (each record is written whole or not
 * at all there, with its event). One batch is in flight at a time, so the file is read only
 * as fast as the catalogue takes it.
 */
@Injectable()
export class BooksImporter {
  constructor(private readonly books: BooksClient) {}

  /** `caller` (from the verified token) is recorded as the actor of every change the import makes. */
  async run(input: Readable, format: ImportFormat, requestId: string, caller?: Caller): Promise<{ report: ImportReport; position?: number }> {
    const report: ImportReport = { received: 0, created: 0, updated: 0, unchanged: 0, rejected: 0, rejections: [] };
    /** One record refused, for one or more reasons. */
    const reject = (...reasons: ImportRejection[]) => {
      report.rejected++;
      report.rejections.push(...reasons.slice(0, IMPORT_LIMITS.maxListedRejections - report.rejections.length));
    };
    let batch: { where: Pick<ImportRejection, 'record' | 'line'>; book: ImportBooksRequest['books'][number] }[] = [];
    let position: number | undefined;
    /** The ids of this file's records so far: a second record naming the same book is refused, so a re-import changes nothing. */
    const ids = new Map<string, number>();
    const send = async () => {
      if (batch.length === 0) return;
      const sending = batch;
      batch = [];
      const { results, position: at } = await this.books.import({ books: sending.map((item) => item.book) }, requestId, caller);
      position = at ?? position;
      for (const [i, result] of results.entries()) {
        if (result.outcome === 'rejected') reject({ ...sending[i].where, reason: result.reason });
        else report[result.outcome]++;
      }
    };

    for await (const raw of readImportRecords(input, format)) {
      report.received++;
      const where = raw.line === undefined ? { record: raw.record } : { record: raw.record, line: raw.line };
      if (raw.unreadable) {
        reject({ ...where, reason: raw.unreadable });
        continue;
      }
      const parsed = ImportRecordSchema.safeParse(raw.value);
      if (!parsed.success) {
        reject(...parsed.error.issues.map((issue) => ({ ...where, ...(issue.path.length > 0 ? { field: issue.path.join('.') } : {}), reason: issue.message })));
        continue;
      }
      const { id: given, book } = parsed.data;
      const id = given ?? naturalBookId(book);
      const first = ids.get(id);
      if (first !== undefined) {
        reject({ ...where, reason: `Record ${first} of this file is the same book (${given ? 'the same id' : 'the same title, author and year, ignoring case, accents and apostrophes'})` });
        continue;
      }
      ids.set(id, raw.record);
      batch.push({ where, book: { id, book } });
      if (batch.length >= IMPORT_LIMITS.batchSize) await send();
    }
    await send();
    return { report, position };
  }
}
