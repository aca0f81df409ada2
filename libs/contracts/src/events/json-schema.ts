import * as z from 'zod';
import { BOOK_EVENT_SCHEMA_VERSION, BookEventSchema } from './book-event.schema';

/** The JSON Schema (draft 2020-12) of a book event, generated from the Zod contract. */
export function bookEventJsonSchema(): Record<string, unknown> {
  return {
    // The major version names the schema (and the subjects); additions only bump the minor one.
    $id: 'urn:books-catalogue:schema:book-event:v1',
    $comment: `BookEvent schema version ${BOOK_EVENT_SCHEMA_VERSION}`,
    ...z.toJSONSchema(BookEventSchema, {
      target: 'draft-2020-12',
      io: 'output',
      // Consumers must ignore fields they do not know (docs/events.md): a schema that refused
      // them would break every validating consumer at each minor version, as 1.0's did at 1.1.
      override: ({ jsonSchema }) => {
        if (jsonSchema.additionalProperties === false) delete jsonSchema.additionalProperties;
      },
    }),
  };
}
