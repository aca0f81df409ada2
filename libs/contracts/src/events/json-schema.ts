import * as z from 'zod';
import { BookEventSchema } from './book-event.schema';

/** The JSON Schema (draft 2020-12) of a book event, generated from the Zod contract. */
export function bookEventJsonSchema(): Record<string, unknown> {
  return {
    $id: 'urn:books-catalogue:schema:book-event:v1',
    ...z.toJSONSchema(BookEventSchema, { target: 'draft-2020-12', io: 'output' }),
  };
}
