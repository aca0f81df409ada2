import * as z from 'zod';

/**
 * The rules for a book, written once. The gateway validates HTTP bodies with them,
 * the books-service re-validates message payloads with them, and the web app runs
 * them in its forms, so the three cannot disagree.
 */
export const BOOK_RULES = {
  text: { minLength: 1, maxLength: 200 },
  year: { min: -3000 },
  score: { min: 0, max: 10 },
} as const;

/** The latest year a book may carry: next year, so announced books fit. */
export function maxBookYear(now: Date = new Date()): number {
  return now.getUTCFullYear() + 1;
}

// C0/C1 control characters have no place in a title or a name, and a lone surrogate
// cannot be stored as UTF-8 without silently changing the text.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

const bookText = (label: string) =>
  z
    .string({ error: `${label} must be a string` })
    .trim()
    .normalize('NFC')
    .refine((s) => s.length >= BOOK_RULES.text.minLength, { error: `${label} is required` })
    .refine((s) => [...s].length <= BOOK_RULES.text.maxLength, {
      error: `${label} must be at most ${BOOK_RULES.text.maxLength} characters`,
    })
    .refine((s) => s.isWellFormed() && !CONTROL_CHARACTERS.test(s), {
      error: `${label} must not contain control characters or broken Unicode`,
    });

const year = z
  .int({ error: 'Year must be a whole number or null' })
  .min(BOOK_RULES.year.min, { error: `Year must be ${BOOK_RULES.year.min} or later` })
  .refine((y) => y <= maxBookYear(), { error: () => `Year must be ${maxBookYear()} or earlier` })
  .nullable()
  .meta({ description: 'Year of first publication, from -3000 to next year; null if unknown.' });

const score = z
  .int({ error: 'Score must be a whole number from 0 to 10, or null' })
  .min(BOOK_RULES.score.min, { error: `Score must be at least ${BOOK_RULES.score.min}` })
  .max(BOOK_RULES.score.max, { error: `Score must be at most ${BOOK_RULES.score.max}` })
  .nullable()
  .meta({ description: 'A rating from 0 to 10; null means unrated.' });

const read = z.boolean({ error: 'Read must be true or false' });

/** The editable fields, as PUT and POST take them. Omitted optional fields take their defaults. */
export const BookInputSchema = z
  .strictObject(
    {
      title: bookText('Title'),
      author: bookText('Author'),
      year: year.default(null),
      score: score.default(null),
      read: read.default(false),
    },
    { error: 'The body must be a JSON object' },
  )
  .meta({ description: 'A book to create, or the full new state of a book (PUT).' });
export type BookInput = z.output<typeof BookInputSchema>;

/** Some of the editable fields, as PATCH takes them. */
export const BookPatchSchema = z
  .strictObject(
    {
      title: bookText('Title').optional(),
      author: bookText('Author').optional(),
      year: year.optional(),
      score: score.optional(),
      read: read.optional(),
    },
    { error: 'The body must be a JSON object' },
  )
  .refine((patch) => Object.keys(patch).length > 0, { error: 'Give at least one field to change' })
  .meta({ description: 'The fields of a book to change (PATCH).' });
export type BookPatch = z.output<typeof BookPatchSchema>;

export const BookIdSchema = z.uuid({ error: 'Not a book id' });

export const BookSchema = z
  .object({
    id: BookIdSchema,
    title: z.string(),
    author: z.string(),
    year: z.int().nullable(),
    score: z.int().nullable(),
    read: z.boolean(),
    version: z.int().min(1).meta({ description: '1 on create, +1 on every change; also the ETag.' }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  });
export type Book = z.output<typeof BookSchema>;

export const EDITABLE_FIELDS = ['title', 'author', 'year', 'score', 'read'] as const satisfies readonly (keyof BookInput)[];
