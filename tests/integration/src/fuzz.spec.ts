import fc from 'fast-check';
import type { z } from 'zod';
import {
  BookIdSchema,
  BookInputSchema,
  BookPatchSchema,
  EDITABLE_FIELDS,
  IdempotencyKeySchema,
  ListBooksQuerySchema,
  SORT_KEYS,
  maxBookYear,
} from '@books/contracts';
import { Topology } from '@books/stack';
import { PROBLEM_CONTENT_TYPE, type Reply, expectProblem, fetchReply, leakedInternals } from './support/problem';

/**
 * Property-based tests: fast-check generates bodies, query strings, ids and header values,
 * and the gateway must answer each exactly as the contract's own Zod schemas predict,
 * never with a 5xx. Seeds are fixed, so a failure reproduces; fast-check prints the
 * shrunk counterexample.
 */
let topology: Topology;
/** The book every PATCH changes. */
let patchTarget: { id: string };
/** A book that is never changed, so its version stays 1, for the If-Match property. */
let headerTarget: { id: string; title: string; author: string; year: number | null; score: number | null; read: boolean; version: number };
let realIds: string[];

const JSON_TYPE = { 'content-type': 'application/json' };
const BODY_LIMIT_BYTES = 16 * 1024;
const NEXT_YEAR = maxBookYear();

beforeAll(async () => {
  topology = await Topology.start({ name: 'fuzz', replicas: 2, gatewayEnv: { RATE_LIMIT_MAX: '0' } });
  const create = (title: string) =>
    fetchReply(`${topology.baseUrl}/books`, { method: 'POST', headers: JSON_TYPE, body: JSON.stringify({ title, author: 'fast-check' }) });
  patchTarget = (await create('Patched by fast-check')).json;
  headerTarget = (await create('Preconditions by fast-check')).json;
  realIds = (await fetchReply(`${topology.baseUrl}/books?limit=100`)).json.items.map((book: { id: string }) => book.id);
});

const timings: { property: string; numRuns: number; executed: number; ms: number; statuses: Record<number, number> }[] = [];

afterAll(async () => {
  console.log(
    `fuzz:${timings
      .map(({ property, numRuns, executed, ms, statuses }) => `\n  ${property}: ${numRuns} runs (${executed} executed) in ${Math.round(ms)} ms, statuses ${JSON.stringify(statuses)}`)
      .join('')}`,
  );
  await topology?.stop();
});

/**
 * Runs one property with a fixed seed, and records how long it took and which statuses the
 * gateway answered (the predicate returns the reply), to show the mix of valid and invalid input.
 */
async function holds<T>(property: string, arbitrary: fc.Arbitrary<T>, predicate: (value: T) => Promise<Reply>, seed: number, numRuns: number) {
  let executed = 0;
  const statuses: Record<number, number> = {};
  const started = performance.now();
  try {
    await fc.assert(
      fc.asyncProperty(arbitrary, async (value) => {
        executed += 1;
        const { status } = await predicate(value);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }),
      { seed, numRuns },
    );
  } finally {
    timings.push({ property, numRuns, executed, ms: performance.now() - started, statuses });
  }
}

/** What holds for every answer, whatever was asked. */
function expectWellFormed(reply: Reply): void {
  const seen = `${reply.status} ${reply.text.slice(0, 300)}`;
  expect({ serverError: reply.status >= 500, seen }).toEqual({ serverError: false, seen });
  expect(leakedInternals(reply.text)).toBeUndefined();
  if (reply.status >= 400) expect({ contentType: reply.contentType, seen }).toEqual({ contentType: PROBLEM_CONTENT_TYPE, seen });
}

function expectValidationProblem(reply: Reply): void {
  expectProblem(reply, 400, { type: 'validation-failed' });
  expect(reply.json.errors).toEqual(expect.arrayContaining([{ field: expect.any(String), message: expect.any(String) }]));
}

/**
 * Fastify refuses `__proto__` keys, and `constructor` objects with a `prototype` key, anywhere
 * in a JSON body while parsing (onProtoPoisoning / onConstructorPoisoning: 'error').
 */
function hasPrototypeKey(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(hasPrototypeKey);
  if (Object.hasOwn(value, '__proto__')) return true;
  const constructor: unknown = Object.hasOwn(value, 'constructor') ? (value as Record<string, unknown>)['constructor'] : undefined;
  if (typeof constructor === 'object' && constructor !== null && Object.hasOwn(constructor, 'prototype')) return true;
  return Object.values(value).some(hasPrototypeKey);
}

type BodyOutcome<T> = { status: 413 } | { status: 400; type: 'malformed-request' | 'validation-failed' } | { status: 200 | 201; data: T };

/** What the gateway must answer for a JSON body, from the contract's schema alone. */
function predictBody<T>(text: string, schema: z.ZodType<T>, success: 200 | 201): BodyOutcome<T> {
  if (Buffer.byteLength(text) > BODY_LIMIT_BYTES) return { status: 413 };
  const parsed: unknown = JSON.parse(text);
  if (hasPrototypeKey(parsed)) return { status: 400, type: 'malformed-request' };
  const result = schema.safeParse(parsed);
  return result.success ? { status: success, data: result.data } : { status: 400, type: 'validation-failed' };
}

// ---------------------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------------------

/** Strings with lone surrogates, which fc.string's units never produce. */
const brokenUnicode = fc.string({
  unit: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code))),
  maxLength: 6,
});

const text = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ minLength: 0, maxLength: 10 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 10 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 10 }) },
  { weight: 1, arbitrary: brokenUnicode },
  { weight: 1, arbitrary: fc.integer({ min: 195, max: 205 }).map((length) => 'x'.repeat(length)) },
  { weight: 1, arbitrary: fc.constantFrom(' ', '\t\n', '\u00a0', '  padded  ', 'e\u0301', '\u200b', '\u202e') },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);
const year = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -3005, max: NEXT_YEAR + 3 }) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
);
const score = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -2, max: 12 }) },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.double({ min: -1, max: 11 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) },
);
const read = fc.oneof({ weight: 4, arbitrary: fc.boolean() }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) });

/** Objects made of the book's field names, any of them missing, with valid and invalid values, sometimes with extra keys. */
const bookish = fc
  .tuple(
    fc.record({ title: text, author: text, year, score, read }, { requiredKeys: [] }),
    fc.option(fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('id', 'version', '$set', '__proto__', 'constructor')), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }), {
      freq: 4,
    }),
  )
  .map(([fields, extra]) => (extra ? { ...extra, ...fields } : fields));

/** Books the rules accept, mostly, so that the success path gets as many runs as the failures. */
const niceText = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-composite', minLength: 1, maxLength: 200 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).map((value) => ` \u00a0${value}\t `) },
  { weight: 1, arbitrary: fc.constantFrom('Cafe\u0301', 'x\u0301'.repeat(100), '\u{1F600}'.repeat(200), '\u200bzero width', '\u202eRTL') },
);
const validFields = {
  title: niceText,
  author: niceText,
  year: fc.option(fc.integer({ min: -3000, max: NEXT_YEAR })),
  score: fc.option(fc.integer({ min: 0, max: 10 })),
  read: fc.boolean(),
};
const validBook = fc.record(validFields, { requiredKeys: ['title', 'author'] });
const validPatch = fc.record(validFields, { requiredKeys: [] });

const anyBody = fc.oneof(
  { weight: 1, arbitrary: fc.jsonValue() },
  { weight: 1, arbitrary: fc.jsonValue({ stringUnit: 'binary' }) },
  { weight: 4, arbitrary: bookish },
  { weight: 3, arbitrary: validBook },
  { weight: 1, arbitrary: validPatch },
);

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

const pickEditable = (book: Record<string, unknown>) => Object.fromEntries(EDITABLE_FIELDS.map((field) => [field, book[field]]));

it('POST /books: 201 exactly when BookInputSchema accepts the body, storing what it parses to; else 400 with errors', async () => {
  await holds(
    'POST /books bodies',
    anyBody,
    async (body) => {
      const text = JSON.stringify(body);
      const reply = await fetchReply(`${topology.baseUrl}/books`, { method: 'POST', headers: JSON_TYPE, body: text });
      expectWellFormed(reply);
      const expected = predictBody(text, BookInputSchema, 201);
      if (expected.status === 201) {
        expect([reply.status, reply.text.slice(0, 300)]).toEqual([201, expect.any(String)]);
        expect(reply.json).toMatchObject({ ...expected.data, version: 1 });
        const stored = await fetchReply(`${topology.baseUrl}/books/${reply.json.id}`);
        expect(pickEditable(stored.json)).toEqual(expected.data);
      } else if (expected.status === 400 && expected.type === 'validation-failed') {
        expectValidationProblem(reply);
      } else {
        expectProblem(reply, expected.status, expected.status === 400 ? { type: expected.type } : {});
      }
      return reply;
    },
    0xb00c5,
    200,
  );
});

it('PATCH /books/{id}: 200 exactly when BookPatchSchema accepts the body, applying it; else 400 with errors', async () => {
  await holds(
    'PATCH /books/{id} bodies',
    anyBody,
    async (body) => {
      const text = JSON.stringify(body);
      const reply = await fetchReply(`${topology.baseUrl}/books/${patchTarget.id}`, { method: 'PATCH', headers: JSON_TYPE, body: text });
      expectWellFormed(reply);
      const expected = predictBody(text, BookPatchSchema, 200);
      if (expected.status === 200) {
        expect([reply.status, reply.text.slice(0, 300)]).toEqual([200, expect.any(String)]);
        expect(reply.json).toMatchObject(expected.data);
        expect((await fetchReply(`${topology.baseUrl}/books/${patchTarget.id}`)).json).toEqual(reply.json);
      } else if (expected.status === 400 && expected.type === 'validation-failed') {
        expectValidationProblem(reply);
      } else {
        expectProblem(reply, expected.status, expected.status === 400 ? { type: expected.type } : {});
      }
      return reply;
    },
    0x9a7c4,
    200,
  );
});

const QUERY_KEYS = ['offset', 'limit', 'sort', 'q', 'read'] as const;
const queryKey = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...QUERY_KEYS) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'q[$ne]', 'limit[$gt]', 'read[]') },
);
const queryValue = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -5, max: 120 }).map(String) },
  { weight: 3, arbitrary: fc.constantFrom(...SORT_KEYS, 'true', 'false', '', ' 5', '1e2', '0010', '1000000', '1000001', '-title', 'price') },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.integer({ min: 195, max: 205 }).map((length) => 'q'.repeat(length)) },
);

/** The query object as Fastify's parser builds it: a repeated key becomes an array, in order. */
function parsedQuery(pairs: [string, string][]): Record<string, string | string[]> {
  const query = new Map<string, string | string[]>();
  for (const [key, value] of pairs) {
    const previous = query.get(key);
    query.set(key, previous === undefined ? value : [...[previous].flat(), value]);
  }
  return Object.fromEntries(query);
}

it('GET /books?...: 200 exactly when ListBooksQuerySchema accepts the query (repeated keys as arrays), with a page that respects it; else 400', async () => {
  await holds(
    'GET /books query strings',
    fc.array(fc.tuple(queryKey, queryValue), { maxLength: 6 }),
    async (pairs) => {
      const search = pairs.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&');
      const reply = await fetchReply(`${topology.baseUrl}/books?${search}`);
      expectWellFormed(reply);
      const result = ListBooksQuerySchema.safeParse(parsedQuery(pairs));
      if (!result.success) {
        expectValidationProblem(reply);
        return reply;
      }
      const { offset, limit, read } = result.data;
      expect([reply.status, reply.text.slice(0, 300)]).toEqual([200, expect.any(String)]);
      expect(reply.json).toMatchObject({ offset, limit });
      const { items, total } = reply.json as { items: { read: boolean }[]; total: number };
      expect(items.length).toBeLessThanOrEqual(limit);
      expect(items.length).toBe(Math.max(0, Math.min(limit, total - offset)));
      if (read !== undefined) expect(items.every((book) => book.read === read)).toBe(true);
      return reply;
    },
    0x9e7,
    400,
  );
});

it('GET /books/{id}: 404 unless the id names a real book (case-insensitively), never 5xx', async () => {
  const realId = fc.constantFrom(...realIds);
  const id = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.string({ unit: 'grapheme' }),
    brokenUnicode.map((value) => value.toWellFormed()),
    fc.uuid(),
    realId,
    fc.tuple(realId, fc.array(fc.boolean(), { minLength: 36, maxLength: 36 })).map(([value, upper]) =>
      [...value].map((char, i) => (upper[i] ? char.toUpperCase() : char)).join(''),
    ),
    fc.tuple(realId, fc.nat(35), fc.string({ minLength: 0, maxLength: 2 })).map(([value, at, insert]) => value.slice(0, at) + insert + value.slice(at + 1)),
  );
  const known = new Set(realIds);
  await holds(
    'GET /books/{id} ids',
    // Ids past the router's 200-character parameter limit get Fastify's own 414 (see bad-input.spec.ts).
    id.filter((value) => encodeURIComponent(value).length <= 200),
    async (value) => {
      const reply = await fetchReply(`${topology.baseUrl}/books/${encodeURIComponent(value)}`);
      expectWellFormed(reply);
      if (BookIdSchema.safeParse(value).success && known.has(value.toLowerCase())) {
        expect(reply.status).toBe(200);
        expect(reply.json.id).toBe(value.toLowerCase());
      } else {
        expectProblem(reply, 404, { type: 'not-found' });
      }
      return reply;
    },
    0x1d5,
    400,
  );
});

/** Characters fetch can put in a header value: tab, visible ASCII, space, and Latin-1. */
const headerChar = fc
  .oneof(fc.constant(0x09), fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }))
  .map((code) => String.fromCharCode(code));
const headerValue = fc.oneof(
  fc.string({ unit: headerChar, maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(...'"*W/ ,0123456789'), maxLength: 14 }),
  fc.integer({ min: 0, max: 2_000_000_000 }).map((version) => `"${version}"`),
  fc.constantFrom('*', '"1"', ' "1" ', '\t"1"', 'W/"1"', '"1", "2"', '', '\u00a0"1"\u00a0', '"01"'),
);

it('If-Match: 200 for the current version or *, 412 for another version, 400 for anything else; never 5xx', async () => {
  const { title, author, year, score, read } = headerTarget;
  await holds(
    'If-Match values',
    fc.tuple(headerValue, fc.constantFrom('PATCH', 'PUT')),
    async ([ifMatch, method]) => {
      // A request that changes nothing, so the book stays at its version whatever is accepted.
      const body = JSON.stringify(method === 'PATCH' ? { read } : { title, author, year, score, read });
      const reply = await fetchReply(`${topology.baseUrl}/books/${headerTarget.id}`, {
        method,
        headers: { ...JSON_TYPE, 'if-match': ifMatch },
        body,
      });
      expectWellFormed(reply);
      const value = ifMatch.trim();
      const version = /^"([1-9]\d{0,8})"$/.exec(value)?.[1];
      if (value === '*' || Number(version) === headerTarget.version) {
        expect([reply.status, reply.json]).toEqual([200, headerTarget]);
      } else if (version !== undefined) {
        expectProblem(reply, 412, { type: 'version-mismatch' });
      } else {
        expectProblem(reply, 400, { type: 'validation-failed', field: 'If-Match' });
      }
      return reply;
    },
    0x1f3a7c,
    300,
  );
});

it('Idempotency-Key: 201 for 1 to 255 visible ASCII characters, else 400; never 5xx', async () => {
  const body = JSON.stringify({ title: 'Idempotency by fast-check', author: 'fast-check' });
  await holds(
    'Idempotency-Key values',
    headerValue,
    async (key) => {
      const reply = await fetchReply(`${topology.baseUrl}/books`, { method: 'POST', headers: { ...JSON_TYPE, 'idempotency-key': key }, body });
      expectWellFormed(reply);
      // HTTP drops leading and trailing spaces and tabs of a header value on the way (fetch and Node both).
      const received = key.replace(/^[\t ]+|[\t ]+$/g, '');
      if (IdempotencyKeySchema.safeParse(received).success) {
        expect([reply.status, reply.text.slice(0, 300)]).toEqual([201, expect.any(String)]);
      } else {
        expectProblem(reply, 400, { type: 'validation-failed', field: 'Idempotency-Key' });
      }
      return reply;
    },
    0x1dea,
    100,
  );
});
