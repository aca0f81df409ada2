/**
 * Writes docs/events/book-event.schema.json from the contract. Run it after changing the
 * event schema: `npx nx run contracts:generate-json-schemas`. A unit test fails while the
 * committed file and the contract disagree.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bookEventJsonSchema } from '../src/events/json-schema';

export const BOOK_EVENT_SCHEMA_FILE = join(__dirname, '../../../docs/events/book-event.schema.json');

mkdirSync(dirname(BOOK_EVENT_SCHEMA_FILE), { recursive: true });
writeFileSync(BOOK_EVENT_SCHEMA_FILE, `${JSON.stringify(bookEventJsonSchema(), null, 2)}\n`);
console.log(`Wrote ${BOOK_EVENT_SCHEMA_FILE}`);
