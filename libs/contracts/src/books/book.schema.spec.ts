import { toFieldErrors } from '../errors/field-errors';
import { BookInputSchema, BookPatchSchema, maxBookYear } from './book.schema';
import { ListBooksQuerySchema, ListBooksRequestSchema } from './list-books.schema';
import { textKey } from './text-key';

function fieldErrors(schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, value: unknown, root = 'body') {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return toFieldErrors(result.error as never, root);
}

describe('BookInputSchema', () => {
  it('trims text, normalises Unicode and fills defaults', () => {
    expect(BookInputSchema.parse({ title: '  The Road ', author: 'Cormac McCarthy' })).toEqual({
      title: 'The Road',
      author: 'Cormac McCarthy',
      year: null,
      score: null,
      read: false,
    });
    expect(BookInputSchema.parse({ title: 'Cafe\u0301', author: 'A' }).title).toBe('Caf\u00e9');
  });

  it('requires title and author, and rejects blank ones', () => {
    expect(fieldErrors(BookInputSchema, {})).toEqual(
      expect.arrayContaining([
        { field: 'title', message: 'Title must be a string' },
        { field: 'author', message: 'Author must be a string' },
      ]),
    );
    expect(fieldErrors(BookInputSchema, { title: '   ', author: 'x' })).toEqual([{ field: 'title', message: 'Title is required' }]);
  });

  it('counts characters, not UTF-16 units, against the 200 limit', () => {
    expect(BookInputSchema.safeParse({ title: '📚'.repeat(200), author: 'a' }).success).toBe(true);
    expect(fieldErrors(BookInputSchema, { title: 'x'.repeat(201), author: 'a' })).toEqual([
      { field: 'title', message: 'Title must be at most 200 characters' },
    ]);
  });

  it('rejects control characters and lone surrogates', () => {
    expect(fieldErrors(BookInputSchema, { title: 'a\u0000b', author: 'a' })[0]?.field).toBe('title');
    expect(fieldErrors(BookInputSchema, { title: 'a\ud800', author: 'a' })[0]?.field).toBe('title');
  });

  it.each([
    [{ year: -3001 }, 'year'],
    [{ year: maxBookYear() + 1 }, 'year'],
    [{ year: 1999.5 }, 'year'],
    [{ year: '1999' }, 'year'],
    [{ score: 11 }, 'score'],
    [{ score: -1 }, 'score'],
    [{ score: 7.5 }, 'score'],
    [{ read: 'yes' }, 'read'],
  ])('rejects %j', (fields, field) => {
    expect(fieldErrors(BookInputSchema, { title: 't', author: 'a', ...fields }).map((e) => e.field)).toEqual([field]);
  });

  it('accepts the boundary values', () => {
    for (const fields of [{ year: -3000 }, { year: maxBookYear() }, { year: null }, { score: 0 }, { score: 10 }, { score: null }]) {
      expect(BookInputSchema.safeParse({ title: 't', author: 'a', ...fields }).success).toBe(true);
    }
  });

  it('names every unknown field, including prototype keys', () => {
    const body = JSON.parse('{"title":"t","author":"a","__proto__":{"x":1},"$set":{"read":true}}');
    expect(fieldErrors(BookInputSchema, body)).toEqual([
      { field: '__proto__', message: 'Unknown field' },
      { field: '$set', message: 'Unknown field' },
    ]);
  });

  it('rejects a body that is not an object', () => {
    expect(fieldErrors(BookInputSchema, [1, 2])).toEqual([{ field: 'body', message: 'The body must be a JSON object' }]);
  });

  it('rejects operator objects where text belongs', () => {
    expect(fieldErrors(BookInputSchema, { title: { $gt: '' }, author: 'a' })).toEqual([
      { field: 'title', message: 'Title must be a string' },
    ]);
  });
});

describe('BookPatchSchema', () => {
  it('takes any subset of fields without filling defaults', () => {
    expect(BookPatchSchema.parse({ read: true })).toEqual({ read: true });
  });

  it('needs at least one field', () => {
    expect(fieldErrors(BookPatchSchema, {})).toEqual([{ field: 'body', message: 'Give at least one field to change' }]);
  });
});

describe('ListBooksQuerySchema', () => {
  it('fills the defaults', () => {
    expect(ListBooksQuerySchema.parse({})).toEqual({ offset: 0, limit: 20, sort: 'author' });
  });

  it('parses numbers, booleans and descending sorts', () => {
    expect(ListBooksQuerySchema.parse({ offset: '8', limit: '8', sort: '-year', read: 'false', q: ' road ' })).toEqual({
      offset: 8,
      limit: 8,
      sort: '-year',
      read: false,
      q: 'road',
    });
  });

  it.each([
    [{ limit: '0' }, 'limit'],
    [{ limit: '101' }, 'limit'],
    [{ limit: '1e2' }, 'limit'],
    [{ limit: '' }, 'limit'],
    [{ offset: '-1' }, 'offset'],
    [{ offset: ['1', '2'] }, 'offset'],
    [{ sort: 'price' }, 'sort'],
    [{ sort: '--title' }, 'sort'],
    [{ read: 'yes' }, 'read'],
    [{ q: 'x'.repeat(201) }, 'q'],
    [{ 'q[$gt]': '' }, 'q[$gt]'],
  ])('rejects %j', (query, field) => {
    expect(fieldErrors(ListBooksQuerySchema, query, 'query').map((e) => e.field)).toEqual([field]);
  });

  it('bounds the search text after folding, which can make it 18 times longer, and its words', () => {
    expect(textKey('\ufdfa')).toHaveLength(18);
    expect(ListBooksQuerySchema.safeParse({ q: '\ufdfa'.repeat(11) }).success).toBe(true);
    expect(fieldErrors(ListBooksQuerySchema, { q: '\ufdfa'.repeat(12) }, 'query')).toEqual([
      { field: 'q', message: 'The search text must be at most 200 characters once case and accents are folded' },
    ]);
    // The request the gateway sends on to the books-service is held to the same bound.
    expect(ListBooksRequestSchema.safeParse({ q: '\ufdfa'.repeat(200) }).success).toBe(false);
    expect(ListBooksQuerySchema.safeParse({ q: Array(16).fill('a').join(' ') }).success).toBe(true);
    expect(fieldErrors(ListBooksQuerySchema, { q: Array(17).fill('a').join(' ') }, 'query')).toEqual([
      { field: 'q', message: 'The search text must have at most 16 words' },
    ]);
  });

  it('keeps operator-looking search text as text', () => {
    expect(ListBooksQuerySchema.parse({ q: '{"$gt":""}' }).q).toBe('{"$gt":""}');
  });
});
