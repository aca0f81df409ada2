import * as z from 'zod';
import { BookSchema } from './book.schema';
import { textKey } from './text-key';

export const SORT_FIELDS = ['title', 'author', 'year', 'score', 'createdAt', 'updatedAt'] as const;
export type SortField = (typeof SORT_FIELDS)[number];
/** A sort field, with a leading `-` for descending order. */
export type SortKey = SortField | `-${SortField}`;
export const SORT_KEYS = SORT_FIELDS.flatMap((field) => [field, `-${field}`]) as SortKey[];

export const LIST_DEFAULTS = { offset: 0, limit: 20, sort: 'author' as SortKey } as const;
/**
 * `maxQueryLength` bounds the text as typed, `maxFoldedQueryLength` the pattern the database
 * runs (the text after {@link textKey}: one character can fold into 18), `maxQueryWords` the words.
 */
export const LIST_LIMITS = { maxLimit: 100, maxOffset: 1_000_000, maxQueryLength: 200, maxFoldedQueryLength: 200, maxQueryWords: 16 } as const;

export function parseSortKey(key: SortKey): { field: SortField; direction: 1 | -1 } {
  return key.startsWith('-')
    ? { field: key.slice(1) as SortField, direction: -1 }
    : { field: key as SortField, direction: 1 };
}

const sort = z.enum(SORT_KEYS as [SortKey, ...SortKey[]], {
  error: `Sort must be one of ${SORT_FIELDS.join(', ')}, optionally with a leading "-"`,
});
const q = z
  .string()
  .trim()
  .max(LIST_LIMITS.maxQueryLength, { error: `The search text must be at most ${LIST_LIMITS.maxQueryLength} characters`, abort: true })
  // The cost of a search grows with its pattern, which is the folded text: bound that too.
  .refine((text) => textKey(text).length <= LIST_LIMITS.maxFoldedQueryLength, {
    error: `The search text must be at most ${LIST_LIMITS.maxFoldedQueryLength} characters once case and accents are folded`,
    abort: true,
  })
  .refine((text) => text.split(/\s+/).filter(Boolean).length <= LIST_LIMITS.maxQueryWords, {
    error: `The search text must have at most ${LIST_LIMITS.maxQueryWords} words`,
  });

/** A position in a list, from a page's `nextCursor`: opaque to clients. */
const cursor = z
  .string({ error: 'The cursor must be given once' })
  .regex(/^[\w-]{1,1024}$/, { error: 'Not a cursor from this catalogue' });

/** What the books-service takes for a list request. */
export const ListBooksRequestSchema = z
  .strictObject({
    offset: z.int().min(0).max(LIST_LIMITS.maxOffset).default(LIST_DEFAULTS.offset),
    limit: z.int().min(1).max(LIST_LIMITS.maxLimit).default(LIST_DEFAULTS.limit),
    sort: sort.default(LIST_DEFAULTS.sort),
    q: q.optional(),
    read: z.boolean().optional(),
    /** Continue after this position instead of at `offset`. */
    cursor: cursor.optional(),
  })
  .refine((request) => request.cursor === undefined || request.offset === 0, {
    error: 'Give either an offset or a cursor, not both',
    path: ['cursor'],
  });
export type ListBooksRequest = z.output<typeof ListBooksRequestSchema>;

// Query parameters arrive as text (or as an array when repeated); parse them strictly so
// that "1e2", " 5" or "" are errors rather than surprising numbers.
const wholeNumber = (name: string, min: number, max: number) =>
  z
    .string({ error: `${name} must be given once, as a whole number` })
    .regex(/^\d{1,7}$/, { error: `${name} must be a whole number from ${min} to ${max}` })
    .transform(Number)
    .pipe(z.int().min(min, { error: `${name} must be at least ${min}` }).max(max, { error: `${name} must be at most ${max}` }));

/** The `GET /api/books` query string, turned into a {@link ListBooksRequest}. */
export const ListBooksQuerySchema = z
  .strictObject(
    {
      offset: wholeNumber('Offset', 0, LIST_LIMITS.maxOffset).optional(),
      limit: wholeNumber('Limit', 1, LIST_LIMITS.maxLimit).optional(),
      sort: sort.optional(),
      q: z.string({ error: 'The search text must be given once' }).pipe(q).optional(),
      read: z
        .enum(['true', 'false'], { error: 'Read must be true or false' })
        .transform((value) => value === 'true')
        .optional(),
      cursor: cursor.optional(),
    },
    { error: 'The query must be a set of parameters' },
  )
  .pipe(ListBooksRequestSchema);

export const BookPageSchema = z
  .object({
    items: z.array(BookSchema),
    total: z.int().min(0),
    offset: z.int().min(0),
    limit: z.int().min(1),
    /** Where the next page starts (`cursor=`), or null on the last page. */
    nextCursor: z.string().nullable(),
  });
export type BookPage = z.output<typeof BookPageSchema>;
