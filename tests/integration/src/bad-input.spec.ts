import { MongoClient } from 'mongodb';
import { maxBookYear } from '@books/contracts';
import { Topology } from '@books/stack';
import { type DatabaseSnapshot, settledSnapshot, snapshotDatabase } from './support/db-snapshot';
import { PROBLEM_CONTENT_TYPE, type Reply, type SendOptions, expectProblem, fetchReply, fromRaw, leakedInternals } from './support/problem';
import { chunked, rawHttpRequest, sendRaw } from './support/raw-http';

/**
 * Bad input, automated: hundreds of malformed, oversized, mistyped, out-of-range and hostile
 * requests against the real gateway. Every one must get a 4xx problem+json answer (never a
 * 5xx, never a stack trace), the database must be exactly as it was before them, and the
 * gateway must still be the same live process afterwards. Valid edge cases (which do write)
 * run only after the database comparison.
 */
let topology: Topology;
let before: DatabaseSnapshot;
let gatewayPid: number | undefined;
/** A sample book, the target of every PUT, PATCH and DELETE. */
let sample: { id: string; title: string; author: string; year: number | null; score: number | null; read: boolean; version: number };

beforeAll(async () => {
  topology = await Topology.start({ name: 'bad-input', replicas: 2, gatewayEnv: { RATE_LIMIT_MAX: '0' } });
  gatewayPid = topology.gateway.process.pid;
  before = await settledSnapshot(topology.mongoUrl, { minBooks: 42 });
  sample = (await fetchReply(`${topology.baseUrl}/books?limit=1&sort=title`)).json.items[0];
});

const tally = { tried: 0, clientErrors: 0, problems: 0, byStatus: {} as Record<number, number>, serverErrors: [] as string[] };

function record(name: string, { status, contentType }: Reply): void {
  tally.tried += 1;
  tally.byStatus[status] = (tally.byStatus[status] ?? 0) + 1;
  if (status >= 400 && status < 500) tally.clientErrors += 1;
  if (status >= 400 && status < 500 && contentType === PROBLEM_CONTENT_TYPE) tally.problems += 1;
  if (status >= 500) tally.serverErrors.push(`${name} -> ${status}`);
}

afterAll(async () => {
  console.log(
    `bad-input: ${tally.tried} bad inputs tried, ${tally.clientErrors} answered with a 4xx, ` +
      `${tally.problems} of them as problem+json (by status: ${JSON.stringify(tally.byStatus)}; 5xx: ${tally.serverErrors.length})`,
  );
  await topology?.stop();
});

// ---------------------------------------------------------------------------------------
// The cases
// ---------------------------------------------------------------------------------------

interface BadInput {
  /** The test name: method, path and what is wrong. */
  name: string;
  method: string;
  /** From the server root; `{id}` stands for the sample book's id. */
  path: string;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  /** The status the gateway must answer. */
  status: number;
  /** The problem type's slug, when exactly one is right. */
  type?: string;
  /** The field the validation errors must name. */
  field?: string;
  /** Send through a raw socket: path and headers go out exactly as written (fetch would normalise `%2e%2e`). */
  raw?: boolean;
}

type Expectation = Omit<BadInput, 'name' | 'method' | 'path'>;

const NEXT_YEAR = maxBookYear();
const VALID_BOOK = { title: 'The Drowned World', author: 'J. G. Ballard', year: 1962, score: 7, read: true };
const VALID_TEXT = JSON.stringify(VALID_BOOK);
/** A change that a wrongly accepted PATCH would leave in the database, for the final comparison to find. */
const CHANGING_PATCH = JSON.stringify({ title: 'Changed by a request that had to be refused' });
const JSON_TYPE = { 'content-type': 'application/json' };
const BODY_ROUTES = [
  ['POST', '/api/books'],
  ['PUT', '/api/books/{id}'],
  ['PATCH', '/api/books/{id}'],
] as const;
type Field = keyof typeof VALID_BOOK;

const lit = (value: unknown): string => JSON.stringify(value);
const shorten = (text: string): string => (text.length > 70 ? `${text.slice(0, 50)}...(${text.length} chars)` : text);

function bad(method: string, path: string, what: string, expectation: Expectation): BadInput {
  return { name: `${method} ${shorten(path)}: ${what}`, method, path, ...expectation };
}

const malformed = (extra: Partial<Expectation> = {}): Expectation => ({ status: 400, type: 'malformed-request', ...extra });
const invalid = (field?: string): Expectation => ({ status: 400, type: 'validation-failed', field });

/** The same body to POST /books, PUT and PATCH /books/{id}, as JSON. */
function onBodyRoutes(what: string, body: string | Uint8Array, expectation: Expectation): BadInput[] {
  return BODY_ROUTES.map(([method, path]) => bad(method, path, what, { body, headers: JSON_TYPE, ...expectation }));
}

/**
 * One field set to a JSON literal (written as text, so `NaN`, `-0` and `1e400` reach the
 * server as written): in an otherwise valid book for POST and PUT, alone for PATCH.
 */
function withField(field: Field, literal: string, what: string, expectation: Expectation = invalid(field)): BadInput[] {
  const full = JSON.stringify({ ...VALID_BOOK, [field]: '\u0000MARK' }).replace(lit('\u0000MARK'), () => literal);
  return BODY_ROUTES.map(([method, path]) =>
    bad(method, path, `${field} ${what}`, { body: method === 'PATCH' ? `{"${field}":${literal}}` : full, headers: JSON_TYPE, ...expectation }),
  );
}

const cutPoints = Array.from({ length: Math.ceil(VALID_TEXT.length / 4) }, (_, i) => i * 4);

const MALFORMED_JSON: BadInput[] = [
  ...cutPoints.flatMap((at) => onBodyRoutes(`cut after ${at} characters: ${lit(VALID_TEXT.slice(Math.max(0, at - 12), at))}`, VALID_TEXT.slice(0, at), malformed())),
  ...(
    [
      ['a trailing comma in the object', '{"title":"x","author":"y",}'],
      ['a trailing comma in an array', '{"title":"x","author":"y","year":[1962,]}'],
      ['single quotes', "{'title':'x','author':'y'}"],
      ['unquoted keys', '{title:"x",author:"y"}'],
      ['a NaN literal', '{"title":"x","author":"y","year":NaN}'],
      ['an Infinity literal', '{"title":"x","author":"y","score":Infinity}'],
      ['a -Infinity literal', '{"title":"x","author":"y","year":-Infinity}'],
      ['an undefined literal', '{"title":"x","author":"y","year":undefined}'],
      ['a line comment', '{"title":"x", // comment\n"author":"y"}'],
      ['a block comment', '{"title":"x" /* comment */,"author":"y"}'],
      ['two byte order marks', `\ufeff\ufeff${VALID_TEXT}`],
      ['whitespace only', ' \n\t\r '],
      ['a hexadecimal number', '{"title":"x","author":"y","year":0x7AA}'],
      ['a leading zero', '{"title":"x","author":"y","year":01962}'],
      ['a plus sign', '{"title":"x","author":"y","year":+1962}'],
      ['a bare decimal point', '{"title":"x","author":"y","score":.5}'],
      ['an unterminated string', '{"title":"x'],
      ['a raw control character in a string', '{"title":"a\u0001b","author":"y"}'],
      ['a raw line break in a string', '{"title":"a\nb","author":"y"}'],
      ['a raw NUL byte', '{"title":"a\u0000b","author":"y"}'],
      ['an invalid escape \\x41', '{"title":"\\x41","author":"y"}'],
      ['a short unicode escape', '{"title":"\\u12","author":"y"}'],
      ['two documents', `${VALID_TEXT}${VALID_TEXT}`],
      ['trailing garbage', `${VALID_TEXT} x`],
      ['JSONP', `callback(${VALID_TEXT})`],
      ['Latin-1 bytes (not UTF-8), with Content-Length', Buffer.from('{"title":"Caf\u00e9","author":"Latin-1 with length"}', 'latin1')],
    ] as const
  ).flatMap(([what, body]) => onBodyRoutes(what, body, malformed())),
  ...onBodyRoutes('an empty body', '', malformed()),
  ...(
    [
      ['null', 'null'],
      ['an empty array', '[]'],
      ['an array of a book', `[${VALID_TEXT}]`],
      ['a string', '"string"'],
      ['a number', '42'],
      ['true', 'true'],
      ['false', 'false'],
    ] as const
  ).flatMap(([what, body]) => onBodyRoutes(`${what} as the body`, body, invalid('body'))),
  // A byte order mark is ignored (RFC 8259 section 8.1 allows it): the body is read, then refused for what it says.
  ...onBodyRoutes('a byte order mark, then an invalid book', `\ufeff${JSON.stringify({ ...VALID_BOOK, title: '' })}`, invalid('title')),
  ...onBodyRoutes('duplicate keys, the last one invalid', '{"title":"x","author":"y","title":""}', invalid('title')),
  bad('POST', '/api/books', 'an empty object', { body: '{}', headers: JSON_TYPE, ...invalid('title') }),
  bad('PUT', '/api/books/{id}', 'an empty object', { body: '{}', headers: JSON_TYPE, ...invalid('title') }),
  bad('PATCH', '/api/books/{id}', 'an empty object', { body: '{}', headers: JSON_TYPE, ...invalid('body') }),
];

const unsupported: Expectation = { status: 415, type: 'unsupported-media-type' };
const MULTIPART = '--b\r\nContent-Disposition: form-data; name="title"\r\n\r\nx\r\n--b\r\nContent-Disposition: form-data; name="author"\r\n\r\ny\r\n--b--\r\n';

const CONTENT_TYPES: BadInput[] = BODY_ROUTES.flatMap(([method, path]) => [
  // Each with a body a JSON parser would accept, so that an answer other than 415 shows in the database.
  ...(
    [
      ['text/plain', VALID_TEXT],
      ['text/plain; charset=utf-8', VALID_TEXT],
      ['application/x-www-form-urlencoded', 'title=x&author=y'],
      ['multipart/form-data; boundary=b', MULTIPART],
      ['application/xml', '<book><title>x</title><author>y</author></book>'],
      ['text/xml', '<book/>'],
      ['text/html', VALID_TEXT],
      ['application/octet-stream', VALID_TEXT],
      ['application/merge-patch+json', VALID_TEXT],
      ['application/json-patch+json', '[{"op":"replace","path":"/title","value":"x"}]'],
      ['text/json', VALID_TEXT],
      ['application/x-json', VALID_TEXT],
      ['application/jsonx', VALID_TEXT],
      ['*/*', VALID_TEXT],
      ['an empty content-type', VALID_TEXT, ''],
    ] as const
  ).map(([what, body, type = what]) => bad(method, path, `content-type ${what}`, { body, headers: { 'content-type': type }, ...unsupported })),
  bad(method, path, 'a body without a content-type', { body: new TextEncoder().encode(VALID_TEXT), ...unsupported }),
  // JSON has no charset parameter (RFC 8259 section 11: "no effect on compliant recipients"):
  // the gateway reads the body as UTF-8 JSON whatever the label says, so these are refused for their content.
  bad(method, path, 'charset=latin1 on an invalid book', {
    body: JSON.stringify({ ...VALID_BOOK, title: '' }),
    headers: { 'content-type': 'application/json; charset=latin1' },
    ...invalid('title'),
  }),
  bad(method, path, 'charset=utf-16 on UTF-16 bytes', {
    body: Buffer.from(VALID_TEXT, 'utf16le'),
    headers: { 'content-type': 'application/json; charset=utf-16' },
    ...malformed(),
  }),
]);

/** A JSON body of exactly `bytes` bytes: a valid book plus an unknown padding field. */
function bodyOfSize(bytes: number): string {
  const head = `{"title":"x","author":"y","padding":"`;
  return `${head}${'a'.repeat(bytes - head.length - 2)}"}`;
}

const tooLarge: Expectation = { status: 413, type: 'payload-too-large' };
const HUGE_BODIES: BadInput[] = [
  ...onBodyRoutes('a body of exactly 16 KiB (read, then refused for its padding)', bodyOfSize(16 * 1024), invalid('padding')),
  ...onBodyRoutes('a body of 16 KiB + 1 byte', bodyOfSize(16 * 1024 + 1), tooLarge),
  ...onBodyRoutes('a body of 1 MiB', bodyOfSize(1024 * 1024), tooLarge),
];

const DEEP_NESTING: BadInput[] = [
  ...withField('title', `${'['.repeat(5000)}${']'.repeat(5000)}`, 'as 5000 nested arrays'),
  ...withField('title', `${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}`, 'as 2000 nested objects'),
  ...withField('year', `${'['.repeat(5000)}${']'.repeat(5000)}`, 'as 5000 nested arrays'),
  ...withField('title', `[${Array.from({ length: 3000 }, () => '1').join(',')}]`, 'as an array of 3000 numbers'),
  ...onBodyRoutes('5000 nested arrays in an unknown field', `{"title":"x","author":"y","x":${'['.repeat(5000)}${']'.repeat(5000)}}`, invalid('x')),
  ...onBodyRoutes('16000 unclosed arrays', '['.repeat(16000), malformed()),
  ...onBodyRoutes(
    '1500 unknown fields',
    `{${Array.from({ length: 1500 }, (_, i) => `"k${i}":0`).join(',')}}`,
    invalid('k1499'),
  ),
];

const WRONG_TYPES: BadInput[] = (
  [
    ...(['title', 'author'] as const).flatMap((field) =>
      (
        [
          ['as a number', '42'],
          ['as 0', '0'],
          ['as true', 'true'],
          ['as false', 'false'],
          ['as an empty array', '[]'],
          ['as an array of a string', '["x"]'],
          ['as an empty object', '{}'],
          ['as an object', '{"text":"x"}'],
          ['as null', 'null'],
        ] as const
      ).map(([what, literal]) => [field, literal, what] as const),
    ),
    ...(
      [
        ['as true', 'true'],
        ['as false', 'false'],
        ['as an array', '[1962]'],
        ['as an object', '{"value":1962}'],
        ['as a numeric string', '"1962"'],
        ['as an empty string', '""'],
        ['as the string "null"', '"null"'],
      ] as const
    ).map(([what, literal]) => ['year', literal, what] as const),
    ...(
      [
        ['as true', 'true'],
        ['as an array', '[7]'],
        ['as an object', '{}'],
        ['as a numeric string', '"7"'],
        ['as an empty string', '""'],
      ] as const
    ).map(([what, literal]) => ['score', literal, what] as const),
    ...(
      [
        ['as 1', '1'],
        ['as 0', '0'],
        ['as the string "true"', '"true"'],
        ['as the string "false"', '"false"'],
        ['as null', 'null'],
        ['as an array', '[true]'],
        ['as an object', '{}'],
        ['as "yes"', '"yes"'],
      ] as const
    ).map(([what, literal]) => ['read', literal, what] as const),
  ] as const
).flatMap(([field, literal, what]) => withField(field, literal, what));

const EMOJI = '\u{1F600}';
const BOUNDARIES: BadInput[] = (
  [
    ['year', '-3001', '-3001, one before the earliest'],
    ['year', String(NEXT_YEAR + 1), `${NEXT_YEAR + 1}, the year after next`],
    ['year', '9007199254740992', '2^53'],
    ['year', '1e308', '1e308'],
    ['year', '1e400', '1e400 (Infinity)'],
    ['year', '0.5', '0.5'],
    ['year', '-1.5', '-1.5'],
    ['year', '-3000.5', '-3000.5'],
    ['score', '-1', '-1'],
    ['score', '11', '11'],
    ['score', '9.99', '9.99'],
    ['score', '-0.5', '-0.5'],
    ['score', '0.1', '0.1'],
    ['score', '100', '100'],
    ['score', '1e308', '1e308'],
    ['title', lit(''), 'of 0 characters'],
    ['title', lit('x'.repeat(201)), 'of 201 characters'],
    ['title', lit('   '), 'of spaces only'],
    ['title', lit('\t\n\r '), 'of tabs and line breaks only'],
    ['title', lit('\u00a0\u3000\u2003\ufeff'), 'of Unicode spaces only'],
    ['title', lit(EMOJI.repeat(201)), 'of 201 emoji'],
    ['title', lit('e\u0301'.repeat(201)), 'of 201 characters once composed (NFC)'],
    ['title', lit('x\u0301'.repeat(101)), 'of 202 code points that do not compose'],
    ['author', lit(''), 'of 0 characters'],
    ['author', lit('y'.repeat(201)), 'of 201 characters'],
    ['author', lit('  \t '), 'of whitespace only'],
  ] as const
).flatMap(([field, literal, what]) => withField(field, literal, what));

const BROKEN_TEXT: BadInput[] = (
  [
    ...(
      [
        ['NUL alone', '\u0000'],
        ['a NUL inside', 'a\u0000b'],
        ['U+0001', 'a\u0001b'],
        ['backspace', 'a\u0008b'],
        ['an ANSI escape sequence', '\u001b[31mred'],
        ['DEL', 'a\u007fb'],
        ['the C1 control U+0080', 'a\u0080b'],
        ['NEL (U+0085)', 'a\u0085b'],
        ['the C1 control U+009F', 'a\u009fb'],
        ['a tab inside', 'a\tb'],
        ['a line feed inside', 'a\nb'],
        ['a carriage return inside', 'a\rb'],
        ['a lone high surrogate', '\ud800'],
        ['a lone low surrogate', '\udfff'],
        ['a reversed surrogate pair', '\udc00\ud800'],
        ['a pair cut at the end', 'a\ud83d'],
        ['a pair cut at the start', '\ude00b'],
      ] as const
    ).map(([what, text]) => ['title', what, text] as const),
    ['author', 'NUL alone', '\u0000'],
    ['author', 'a lone high surrogate', '\ud800'],
    ['author', 'U+001F', 'a\u001fb'],
  ] as const
  // JSON.stringify escapes control characters and lone surrogates (\u0000, \ud800): valid JSON, invalid text.
).flatMap(([field, what, text]) => withField(field, lit(text), `with ${what}`));

const PROTOTYPE_KEYS: BadInput[] = [
  ...(
    [
      ['a top-level __proto__', '{"title":"x","author":"y","__proto__":{"read":true}}'],
      ['a top-level __proto__ of null', '{"title":"x","author":"y","__proto__":null}'],
      ['__proto__ inside a field', '{"title":{"__proto__":{"x":1}},"author":"y"}'],
      ['__proto__ deep inside an unknown field', '{"title":"x","author":"y","meta":[{"a":{"__proto__":{"x":1}}}]}'],
      ['__proto__ written with escapes', '{"title":"x","author":"y","\\u005f\\u005fproto\\u005f\\u005f":{"read":true}}'],
      ['a top-level constructor.prototype', '{"title":"x","author":"y","constructor":{"prototype":{"read":true}}}'],
      ['constructor.prototype inside a field', '{"title":"x","author":{"constructor":{"prototype":{"x":1}}}}'],
      ['only __proto__', '{"__proto__":{"title":"x","author":"y"}}'],
      ['only constructor.prototype', '{"constructor":{"prototype":{"title":"x"}}}'],
    ] as const
  ).flatMap(([what, body]) => onBodyRoutes(what, body, { status: 400 })),
  ...onBodyRoutes('a constructor field', '{"title":"x","author":"y","constructor":1}', invalid('constructor')),
  ...onBodyRoutes('a prototype field', '{"title":"x","author":"y","prototype":{}}', invalid('prototype')),
  ...onBodyRoutes('a hasOwnProperty field', '{"title":"x","author":"y","hasOwnProperty":1}', invalid('hasOwnProperty')),
];

const OPERATORS_IN_BODIES: BadInput[] = (
  [
    ['{"title":{"$ne":null},"author":"y"}', 'title'],
    ['{"$where":"1"}', '$where'],
    ['{"title":"x","author":"y","$set":{}}', '$set'],
    ['{"title":"x","author":"y","$set":{"read":true}}', '$set'],
    ['{"$set":{"title":"x"}}', '$set'],
    ['{"$inc":{"version":1}}', '$inc'],
    ['{"title":{"$regex":".*"},"author":{"$gt":""}}', 'title'],
    ['{"year":{"$gt":0}}', 'year'],
    ['{"title.$":"x","author":"y"}', 'title.$'],
    ['{"_id":"x","title":"x","author":"y"}', '_id'],
    ['{"id":"00000000-0000-4000-8000-000000000000","title":"x","author":"y"}', 'id'],
    ['{"version":99}', 'version'],
    ['{"titleKey":"x"}', 'titleKey'],
    ['{"createdAt":"1970-01-01T00:00:00Z"}', 'createdAt'],
  ] as const
).flatMap(([body, field]) => onBodyRoutes(`operator or internal field ${body}`, body, invalid(field)));

const BAD_QUERIES: BadInput[] = (
  [
    ['q[$ne]=', 'q[$ne]'],
    ['read[$ne]=true', 'read[$ne]'],
    ['sort[$gt]=', 'sort[$gt]'],
    ['limit[$gt]=0', 'limit[$gt]'],
    ['offset[$where]=1', 'offset[$where]'],
    ['q[$regex]=.*', 'q[$regex]'],
    ['$where=1', '$where'],
    ['__proto__=x', '__proto__'],
    ['__proto__[limit]=1000', '__proto__[limit]'],
    ['constructor[prototype][limit]=1000', 'constructor[prototype][limit]'],
    ['toString=x', 'toString'],
    ['sort=%7B%22%24natural%22%3A1%7D', 'sort'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=-1', 'limit'],
    ['limit=1e2', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=', 'limit'],
    ['limit=%205', 'limit'],
    ['limit=1.5', 'limit'],
    ['limit=0x10', 'limit'],
    ['limit=99999999999999999999', 'limit'],
    ['offset=-1', 'offset'],
    ['offset=1000001', 'offset'],
    ['offset=1.5', 'offset'],
    ['sort=price', 'sort'],
    ['sort=', 'sort'],
    ['sort=--title', 'sort'],
    ['sort=%2Btitle', 'sort'],
    ['sort=TITLE', 'sort'],
    ['read=1', 'read'],
    ['read=TRUE', 'read'],
    ['read=', 'read'],
    ['read=yes', 'read'],
    [`q=${'a'.repeat(201)}`, 'q'],
    ['q=a&q=b', 'q'],
    ['limit=5&limit=5', 'limit'],
  ] as const
).map(([query, field]) => bad('GET', `/api/books?${query}`, 'a query the contract refuses', invalid(field)));

const notFound: Expectation = { status: 404, type: 'not-found', raw: true };
const ODD_ID_TARGETS = [
  ['GET', undefined],
  ['PUT', VALID_TEXT],
  ['PATCH', CHANGING_PATCH],
  ['DELETE', undefined],
] as const;

function onIdRoutes(what: string, id: string, expectation: Expectation, methods: readonly string[] = ['GET', 'PUT', 'PATCH', 'DELETE']): BadInput[] {
  return ODD_ID_TARGETS.filter(([method]) => methods.includes(method)).map(([method, body]) =>
    bad(method, `/api/books/${id}`, what, { ...(body ? { body, headers: JSON_TYPE } : {}), ...expectation }),
  );
}

const fullwidth = (text: string) => text.replace(/[0-9a-f]/g, (c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0));
const ODD_IDS: BadInput[] = [
  ...(
    [
      ['a path traversal with encoded slashes', '..%2F..%2Fetc%2Fpasswd'],
      ['an encoded dot-dot segment', '%2e%2e'],
      ['encoded dot-dots and slashes', '%2e%2e%2f%2e%2e%2fetc%2fpasswd'],
      ['double-encoded traversal', '..%252F..%252Fetc%252Fpasswd'],
      ['a NUL', '%00'],
      ['a valid id followed by NUL', '{id}%00'],
      ['a valid id followed by a space', '{id}%20'],
      ['a space, then a valid id', '%20{id}'],
      ['an operator, URL-encoded', '%7B%22%24ne%22%3A1%7D'],
      ['accented letters', '%C3%A9t%C3%A9'],
      ['an RTL override and Arabic', `%E2%80%AE${encodeURIComponent('\u0643\u062a\u0627\u0628')}`],
      ['a UUID in full-width digits', encodeURIComponent(fullwidth('3f2b8c4e-1d2a-4b6c-8e9f-0a1b2c3d4e5f'))],
      ['a urn:uuid: prefix', 'urn:uuid:{id}'],
      ['braces around the id', '%7B{id}%7D'],
      ['an id without dashes', '3f2b8c4e1d2a4b6c8e9f0a1b2c3d4e5f'],
      ['the nil UUID', '00000000-0000-0000-0000-000000000000'],
      ['the max UUID', 'ffffffff-ffff-ffff-ffff-ffffffffffff'],
      ['a UUID that names no book', '3f2b8c4e-1d2a-4b6c-8e9f-0a1b2c3d4e5f'],
      ['the word null', 'null'],
      ['the word undefined', 'undefined'],
      ['-1', '-1'],
      ['an id of 200 characters, the longest the router takes', 'a'.repeat(200)],
    ] as const
  ).flatMap(([what, id]) => onIdRoutes(what, id, notFound)),
  ...onIdRoutes('a trailing slash', '{id}/', notFound),
  ...onIdRoutes('two trailing slashes', '{id}//', notFound),
  ...onIdRoutes('an extra path segment', '{id}/extra', notFound),
  // Paths the router itself refuses (FST_ERR_MAX_PARAM_LENGTH, FST_ERR_BAD_URL) go through the gateway's
  // frameworkErrors handler: problem details, and the URL is not echoed back.
  ...onIdRoutes('an id of 201 characters, one past maxParamLength', 'b'.repeat(201), { status: 414, raw: true }, ['GET']),
  ...onIdRoutes('an id of 10 000 characters', 'c'.repeat(10_000), { status: 414, raw: true }, ['GET', 'DELETE']),
  ...onIdRoutes('broken percent-encoding %ZZ', '%ZZ', { status: 400, type: 'malformed-request', raw: true }, ['GET']),
  ...onIdRoutes('percent-encoded bytes that are not UTF-8 (%FF)', '%FF', { status: 400, type: 'malformed-request', raw: true }, ['GET']),
];

const IF_MATCH_VALUES: [string, string, Expectation][] = [
  ['1', 'an unquoted version', invalid('If-Match')],
  ['W/"1"', 'a weak ETag', invalid('If-Match')],
  ['"abc"', 'a quoted word', invalid('If-Match')],
  ['"0"', 'version 0', invalid('If-Match')],
  ['"-1"', 'a negative version', invalid('If-Match')],
  ['"01"', 'a leading zero', invalid('If-Match')],
  ['"1.0"', 'a decimal version', invalid('If-Match')],
  ['"1', 'an unterminated quote', invalid('If-Match')],
  ["'1'", 'single quotes', invalid('If-Match')],
  ['"1", "2"', 'a list of two ETags', invalid('If-Match')],
  ['*, "1"', 'a star in a list', invalid('If-Match')],
  ['"1000000000"', 'a version of ten digits', invalid('If-Match')],
  [`"${'9'.repeat(498)}"`, 'a 500-character quoted number', invalid('If-Match')],
  ['a'.repeat(500), '500 letters', invalid('If-Match')],
  ['', 'an empty value', invalid('If-Match')],
  ['\u00e9', 'a Latin-1 letter', invalid('If-Match')],
  ['"999"', 'a stale version', { status: 412, type: 'version-mismatch' }],
  ['"999999999"', 'the largest version, stale', { status: 412, type: 'version-mismatch' }],
];
const IF_MATCH: BadInput[] = IF_MATCH_VALUES.flatMap(([value, what, expectation]) =>
  ODD_ID_TARGETS.filter(([method]) => method !== 'GET').map(([method, body]) =>
    bad(method, '/api/books/{id}', `If-Match ${shorten(lit(value))} (${what})`, {
      body,
      headers: { ...(body ? JSON_TYPE : {}), 'if-match': value },
      ...expectation,
    }),
  ),
);

const badKey = invalid('Idempotency-Key');
const IDEMPOTENCY_KEYS: BadInput[] = [
  ...(
    [
      ['', 'an empty key'],
      ['k'.repeat(256), '256 characters'],
      ['has spaces in it', 'spaces'],
      ['a\tb', 'a tab inside'],
      ['cl\u00e9', 'a Latin-1 letter'],
    ] as const
  ).map(([key, what]) =>
    bad('POST', '/api/books', `Idempotency-Key ${shorten(lit(key))} (${what})`, { body: VALID_TEXT, headers: { ...JSON_TYPE, 'idempotency-key': key }, ...badKey }),
  ),
  bad('POST', '/api/books', 'Idempotency-Key in UTF-8 (Cyrillic)', {
    body: VALID_TEXT,
    headers: { ...JSON_TYPE, 'idempotency-key': Buffer.from('\u043a\u043b\u044e\u0447').toString('latin1') },
    raw: true,
    ...badKey,
  }),
  // Bytes the HTTP parser refuses outright: the gateway's clientErrorHandler answers.
  bad('POST', '/api/books', 'Idempotency-Key with DEL', { body: VALID_TEXT, headers: { ...JSON_TYPE, 'idempotency-key': 'a\u007fb' }, raw: true, ...malformed() }),
  bad('POST', '/api/books', 'Idempotency-Key with a control character', {
    body: VALID_TEXT,
    headers: { ...JSON_TYPE, 'idempotency-key': 'a\u0001b' },
    raw: true,
    ...malformed(),
  }),
  bad('POST', '/api/books', 'an invalid Idempotency-Key and an invalid body', {
    body: '{"title":""}',
    headers: { ...JSON_TYPE, 'idempotency-key': 'has spaces in it' },
    ...invalid('title'),
  }),
  bad('DELETE', '/api/books/3f2b8c4e-1d2a-4b6c-8e9f-0a1b2c3d4e5f', 'an invalid Idempotency-Key, no such book', {
    headers: { 'idempotency-key': 'has spaces in it' },
    status: 404,
    type: 'not-found',
  }),
];

const routeNotFound: Expectation = { status: 404, type: 'not-found' };
const WRONG_ROUTES: BadInput[] = [
  bad('PUT', '/api/books', 'PUT on the collection', { body: VALID_TEXT, headers: JSON_TYPE, ...routeNotFound }),
  bad('PATCH', '/api/books', 'PATCH on the collection', { body: CHANGING_PATCH, headers: JSON_TYPE, ...routeNotFound }),
  bad('DELETE', '/api/books', 'DELETE on the collection', routeNotFound),
  bad('POST', '/api/books/{id}', 'POST on a book', { body: VALID_TEXT, headers: JSON_TYPE, ...routeNotFound }),
  bad('GET', '/api/nope', 'an unknown route', routeNotFound),
  bad('POST', '/api/nope', 'POST to an unknown route', { body: VALID_TEXT, headers: JSON_TYPE, ...routeNotFound }),
  bad('GET', '/API/BOOKS', 'the path in capitals', routeNotFound),
  bad('GET', '/api', 'the API root', routeNotFound),
  bad('GET', '/', 'the server root', routeNotFound),
  bad('GET', '/api//books', 'a doubled slash', routeNotFound),
  bad('POST', '/api/health/live', 'POST to a probe', routeNotFound),
  bad('DELETE', '/api/health/ready', 'DELETE on a probe', routeNotFound),
  bad('PUT', '/api/openapi.json', 'PUT on the OpenAPI document', { body: '{}', headers: JSON_TYPE, ...routeNotFound }),
  bad('OPTIONS', '/api/books', 'OPTIONS (no CORS configured)', routeNotFound),
  bad('TRACE', '/api/books', 'TRACE', { ...routeNotFound, raw: true }),
  bad('PROPFIND', '/api/books', 'a WebDAV method', { ...routeNotFound, raw: true }),
  bad('DELETE', '/api/books/{id}', 'DELETE with a body that is not JSON', { body: '{', headers: JSON_TYPE, ...malformed() }),
  bad('DELETE', '/api/books/{id}', 'DELETE with a text body', { body: 'x', headers: { 'content-type': 'text/plain' }, ...unsupported }),
];

/** Requests only a raw socket can send: broken HTTP, oversized heads, lying lengths. */
interface RawInput {
  name: string;
  bytes: Buffer;
  status: number;
  type?: string;
  /** Answered by Node's HTTP server itself, with no body at all (see the test). */
  bodyless?: boolean;
}

const bookHead = (extra: [string, string][]) =>
  rawHttpRequest({ method: 'POST', target: '/api/books', headers: [['Content-Type', 'application/json'], ...extra], body: VALID_TEXT, contentLength: false });
const RAW_INPUTS: RawInput[] = [
  { name: 'a request line that is not HTTP', bytes: Buffer.from('GARBAGE\r\n\r\n'), status: 400, type: 'malformed-request' },
  { name: 'an unknown method', bytes: rawHttpRequest({ method: 'FOO', target: '/api/books' }), status: 400, type: 'malformed-request' },
  { name: 'bare LF line endings', bytes: Buffer.from('GET /api/books HTTP/1.1\nHost: x\nConnection: close\n\n'), status: 400, type: 'malformed-request' },
  { name: 'a space before a header colon', bytes: rawHttpRequest({ method: 'GET', target: '/api/books', headers: [['X-A ', 'b']] }), status: 400, type: 'malformed-request' },
  { name: 'a NUL in a header value', bytes: rawHttpRequest({ method: 'GET', target: '/api/books', headers: [['X-A', 'a\u0000b']] }), status: 400, type: 'malformed-request' },
  {
    name: 'Content-Length and Transfer-Encoding together',
    bytes: bookHead([['Content-Length', String(VALID_TEXT.length)], ['Transfer-Encoding', 'chunked']]),
    status: 400,
    type: 'malformed-request',
  },
  {
    name: 'two different Content-Lengths',
    bytes: bookHead([['Content-Length', String(VALID_TEXT.length)], ['Content-Length', '3']]),
    status: 400,
    type: 'malformed-request',
  },
  { name: 'a negative Content-Length', bytes: bookHead([['Content-Length', '-1']]), status: 400, type: 'malformed-request' },
  { name: 'a non-numeric Content-Length', bytes: bookHead([['Content-Length', 'abc']]), status: 400, type: 'malformed-request' },
  { name: 'a Content-Length of 23 digits', bytes: bookHead([['Content-Length', '9'.repeat(23)]]), status: 400, type: 'malformed-request' },
  { name: 'Transfer-Encoding: gzip', bytes: bookHead([['Transfer-Encoding', 'gzip']]), status: 400, type: 'malformed-request' },
  {
    name: 'a chunk size that is not hexadecimal',
    bytes: rawHttpRequest({ method: 'POST', target: '/api/books', headers: [['Content-Type', 'application/json'], ['Transfer-Encoding', 'chunked']], body: `ZZ\r\n${VALID_TEXT}\r\n0\r\n\r\n`, contentLength: false }),
    status: 400,
    type: 'malformed-request',
  },
  {
    name: 'a Content-Length of 1 GiB with a tiny body',
    bytes: rawHttpRequest({ method: 'POST', target: '/api/books', headers: [['Content-Type', 'application/json'], ['Content-Length', String(2 ** 30)]], body: '{}', contentLength: false }),
    status: 413,
    type: 'payload-too-large',
  },
  {
    name: 'a chunked body of 20 KiB',
    bytes: rawHttpRequest({
      method: 'POST',
      target: '/api/books',
      headers: [['Content-Type', 'application/json'], ['Transfer-Encoding', 'chunked']],
      body: chunked(Buffer.from(bodyOfSize(20 * 1024))),
      contentLength: false,
    }),
    status: 413,
    type: 'payload-too-large',
  },
  {
    name: 'one header of 20 KB',
    bytes: rawHttpRequest({ method: 'GET', target: '/api/books', headers: [['X-Big', 'a'.repeat(20_000)]] }),
    status: 431,
    type: 'headers-too-large',
  },
  {
    name: '1000 headers of 30 bytes',
    bytes: rawHttpRequest({ method: 'GET', target: '/api/books', headers: Array.from({ length: 1000 }, (_, i): [string, string] => [`X-H${i}`, 'v'.repeat(20)]) }),
    status: 431,
    type: 'headers-too-large',
  },
  {
    name: '3000 tiny headers',
    bytes: rawHttpRequest({ method: 'GET', target: '/api/health/live', headers: Array.from({ length: 3000 }, (_, i): [string, string] => [`X${i}`, 'v']) }),
    status: 431,
    type: 'headers-too-large',
  },
  {
    name: 'a URL of 20 KB',
    bytes: rawHttpRequest({ method: 'GET', target: `/api/books?q=${'a'.repeat(20_000)}` }),
    status: 431,
    type: 'headers-too-large',
  },
  // Node's HTTP server answers these two itself, before any request or clientError event, so
  // neither Fastify nor the gateway's clientErrorHandler sees them: an Expect other than
  // 100-continue gets 417, an HTTP/1.1 request without Host gets 400 (requireHostHeader),
  // each with an empty body.
  { name: 'Expect: something-else', bytes: bookHead([['Expect', 'something-else'], ['Content-Length', String(VALID_TEXT.length)]]), status: 417, bodyless: true },
  { name: 'HTTP/1.1 without a Host header', bytes: rawHttpRequest({ method: 'GET', target: '/api/books', omitHost: true }), status: 400, bodyless: true },
];

// ---------------------------------------------------------------------------------------
// Sending and checking
// ---------------------------------------------------------------------------------------

async function attempt(input: BadInput): Promise<Reply> {
  const path = input.path.replaceAll('{id}', sample.id);
  const options: SendOptions = { method: input.method, headers: input.headers, body: input.body };
  const reply = input.raw
    ? fromRaw(
        await sendRaw(
          topology.gateway.url,
          rawHttpRequest({
            method: input.method,
            target: path,
            headers: Object.entries(input.headers ?? {}),
            body: input.body === undefined ? undefined : Buffer.from(input.body),
          }),
        ),
      )
    : await fetchReply(`${topology.gateway.url}${path}`, options);
  record(input.name, reply);
  return reply;
}

async function checkRefused(input: BadInput): Promise<void> {
  expectProblem(await attempt(input), input.status, input);
}

const named = (cases: BadInput[]) => cases.map((input) => [input.name, input] as const);

describe('bad input: every one gets a 4xx problem', () => {
  describe('malformed and truncated JSON', () => {
    it.each(named(MALFORMED_JSON))('%s', (_name, input) => checkRefused(input));
  });

  describe('content types other than JSON', () => {
    it.each(named(CONTENT_TYPES))('%s', (_name, input) => checkRefused(input));
  });

  describe('bodies past the 16 KiB limit', () => {
    it.each(named(HUGE_BODIES))('%s', (_name, input) => checkRefused(input));
  });

  describe('deeply nested JSON within the limit', () => {
    it.each(named(DEEP_NESTING))('%s', (_name, input) => checkRefused(input));
  });

  describe('wrong types for every field', () => {
    it.each(named(WRONG_TYPES))('%s', (_name, input) => checkRefused(input));
  });

  describe('values just outside the rules', () => {
    it.each(named(BOUNDARIES))('%s', (_name, input) => checkRefused(input));
  });

  describe('control characters and broken Unicode', () => {
    it.each(named(BROKEN_TEXT))('%s', (_name, input) => checkRefused(input));
  });

  describe('prototype keys', () => {
    it.each(named(PROTOTYPE_KEYS))('%s', (_name, input) => checkRefused(input));
  });

  describe('MongoDB operators and internal fields in bodies', () => {
    it.each(named(OPERATORS_IN_BODIES))('%s', (_name, input) => checkRefused(input));
  });

  describe('query strings: operators, prototype keys and out-of-range values', () => {
    it.each(named(BAD_QUERIES))('%s', (_name, input) => checkRefused(input));
  });

  describe('odd ids and path traversal', () => {
    it.each(named(ODD_IDS))('%s', (_name, input) => checkRefused(input));
  });

  describe('If-Match values', () => {
    it.each(named(IF_MATCH))('%s', (_name, input) => checkRefused(input));
  });

  describe('Idempotency-Key values', () => {
    it.each(named(IDEMPOTENCY_KEYS))('%s', (_name, input) => checkRefused(input));
  });

  describe('wrong methods and unknown routes', () => {
    it.each(named(WRONG_ROUTES))('%s', (_name, input) => checkRefused(input));
  });

  describe('broken HTTP, oversized heads and lying lengths (raw sockets)', () => {
    it.each(RAW_INPUTS.map((input) => [input.name, input] as const))('%s', async (_name, input) => {
      const reply = fromRaw(await sendRaw(topology.gateway.url, input.bytes));
      record(`raw: ${input.name}`, reply);
      if (input.bodyless) {
        expect({ status: reply.status, text: reply.text }).toEqual({ status: input.status, text: '' });
      } else {
        expectProblem(reply, input.status, { type: input.type });
      }
      expect(leakedInternals(reply.text)).toBeUndefined();
    });
  });
});

describe('near misses the gateway accepts, by decision (not counted as bad input; none writes)', () => {
  it('treats operator-looking search text as text: 200, no match', async () => {
    const reply = await fetchReply(`${topology.baseUrl}/books?q=${encodeURIComponent('{"$gt":""}')}`);
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ items: [], total: 0 });
  });

  it('finds a book by its id in upper-case hex (UUIDs are case-insensitive, RFC 9562 section 4), answering with the canonical id', async () => {
    const reply = await fetchReply(`${topology.baseUrl}/books/${sample.id.toUpperCase()}`);
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual(sample);
  });

  it('ignores Idempotency-Key on PUT and PATCH, which do not take one (HTTP: unknown headers are ignored)', async () => {
    const { id, title, author, year, score, read } = sample;
    const patch = await fetchReply(`${topology.baseUrl}/books/${id}`, {
      method: 'PATCH',
      headers: { ...JSON_TYPE, 'idempotency-key': 'has spaces in it' },
      body: JSON.stringify({ read }),
    });
    const put = await fetchReply(`${topology.baseUrl}/books/${id}`, {
      method: 'PUT',
      headers: { ...JSON_TYPE, 'idempotency-key': '' },
      body: JSON.stringify({ title, author, year, score, read }),
    });
    // Both change nothing, so the book keeps its version and the database stays as it was.
    expect([patch.status, patch.json]).toEqual([200, sample]);
    expect([put.status, put.json]).toEqual([200, sample]);
  });
});

describe('after every bad input', () => {
  it('left the database exactly as it was', async () => {
    expect(await snapshotDatabase(topology.mongoUrl)).toEqual(before);
  });

  it('answered none of them with a 5xx', () => {
    expect(tally.tried).toBeGreaterThan(500);
    expect(tally.serverErrors).toEqual([]);
  });

  it('is still the same live gateway process', async () => {
    const live = await fetchReply(`${topology.baseUrl}/health/live`);
    expect(live.status).toBe(200);
    expect(topology.gateway.process.running).toBe(true);
    expect(topology.gateway.process.pid).toBe(gatewayPid);
  });
});

// ---------------------------------------------------------------------------------------
// Valid edge cases: these write, so they run after the database comparison above.
// ---------------------------------------------------------------------------------------

const stored = (text: string) => text.trim().normalize('NFC');
const bookText = (overrides: Record<string, string>) =>
  `{${Object.entries({ title: lit('Edge case'), author: lit('Valid input'), ...overrides })
    .map(([key, literal]) => `"${key}":${literal}`)
    .join(',')}}`;

const VALID_EDGES: [string, string, Record<string, unknown>][] = [
  ['year -3000, the earliest', bookText({ year: '-3000' }), { year: -3000 }],
  [`year ${NEXT_YEAR}, next year`, bookText({ year: String(NEXT_YEAR) }), { year: NEXT_YEAR }],
  ['year 0', bookText({ year: '0' }), { year: 0 }],
  ['year -0, stored as 0', bookText({ year: '-0' }), { year: 0 }],
  ['year 1962.0, a whole number written with a decimal point', bookText({ year: '1962.0' }), { year: 1962 }],
  ['year 1.962e3, a whole number in exponent form', bookText({ year: '1.962e3' }), { year: 1962 }],
  ['year null', bookText({ year: 'null' }), { year: null }],
  ['score 0', bookText({ score: '0' }), { score: 0 }],
  ['score 10', bookText({ score: '10' }), { score: 10 }],
  ['score null', bookText({ score: 'null' }), { score: null }],
  ['a title of 1 character', bookText({ title: lit('x') }), { title: 'x' }],
  ['a title of 200 characters', bookText({ title: lit('t'.repeat(200)) }), { title: 't'.repeat(200) }],
  ['200 characters between spaces, trimmed', bookText({ title: lit(` ${'s'.repeat(200)} `) }), { title: 's'.repeat(200) }],
  ['a title of 200 emoji', bookText({ title: lit(EMOJI.repeat(200)) }), { title: EMOJI.repeat(200) }],
  ['400 code points that compose to 200 (NFC)', bookText({ title: lit('e\u0301'.repeat(200)) }), { title: '\u00e9'.repeat(200) }],
  ['200 code points that do not compose', bookText({ title: lit('x\u0301'.repeat(100)) }), { title: 'x\u0301'.repeat(100) }],
  ['a combining accent, composed', bookText({ title: lit('Cafe\u0301') }), { title: 'Caf\u00e9' }],
  ['zero-width characters', bookText({ title: lit('Zero\u200bwidth\u200c\u200djoiners') }), { title: 'Zero\u200bwidth\u200c\u200djoiners' }],
  ['an RTL override and Hebrew', bookText({ title: lit('\u202eRTL \u05e1\u05e4\u05e8\u200f') }), { title: '\u202eRTL \u05e1\u05e4\u05e8\u200f' }],
  ['a ZWJ emoji sequence', bookText({ title: lit('\u{1F468}\u200d\u{1F469}\u200d\u{1F467}') }), { title: '\u{1F468}\u200d\u{1F469}\u200d\u{1F467}' }],
  ['a line separator inside', bookText({ title: lit('Line\u2028separator') }), { title: 'Line\u2028separator' }],
  ['a BOM inside, and one in front (trimmed)', bookText({ title: lit('\ufeffBOM\ufeffinside') }), { title: 'BOM\ufeffinside' }],
  ['non-breaking spaces around, trimmed', bookText({ title: lit('\u00a0Non-breaking\u00a0') }), { title: 'Non-breaking' }],
  ['an Arabic author', bookText({ author: lit('\u0646\u062c\u064a\u0628 \u0645\u062d\u0641\u0648\u0638') }), { author: '\u0646\u062c\u064a\u0628 \u0645\u062d\u0641\u0648\u0638' }],
];

describe('valid edge inputs are accepted and round-trip (after the database check: these write)', () => {
  it.each(VALID_EDGES)('%s', async (_name, body, expected) => {
    const created = await fetchReply(`${topology.baseUrl}/books`, { method: 'POST', headers: JSON_TYPE, body });
    expect([created.status, created.text.slice(0, 300)]).toEqual([201, expect.any(String)]);
    const input = JSON.parse(body);
    expect(created.json).toMatchObject({
      title: stored(input.title),
      author: stored(input.author),
      year: null,
      score: null,
      read: false,
      version: 1,
      ...expected,
    });
    const read = await fetchReply(`${topology.baseUrl}/books/${created.json.id}`);
    expect(read.json).toEqual(created.json);
  });

  it.each([
    ['a byte order mark before the body (RFC 8259 section 8.1 lets a parser ignore it)', `\ufeff${VALID_TEXT}`, 'application/json'],
    ['charset=latin1 on an ASCII body (the label has no effect on JSON)', VALID_TEXT, 'application/json; charset=latin1'],
    ['the media type in capitals', VALID_TEXT, 'APPLICATION/JSON'],
    ['charset=UTF-8 without a space', VALID_TEXT, 'application/json;charset=UTF-8'],
  ])('accepts %s', async (_name, body, contentType) => {
    const created = await fetchReply(`${topology.baseUrl}/books`, { method: 'POST', headers: { 'content-type': contentType }, body });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject(VALID_BOOK);
  });

  it('patches to RTL and zero-width text and reads it back unchanged', async () => {
    const title = '\u202eevil.exe\u200b\u2066txt\u2069';
    const patched = await fetchReply(`${topology.baseUrl}/books/${sample.id}`, { method: 'PATCH', headers: JSON_TYPE, body: JSON.stringify({ title }) });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ title, version: sample.version + 1 });
    expect((await fetchReply(`${topology.baseUrl}/books/${sample.id}`)).json.title).toBe(title);
  });
});

// ---------------------------------------------------------------------------------------
// Bad input that the gateway accepts: here, not above, because each one writes a book and
// would otherwise also fail the database comparison. Each checks the database itself.
// ---------------------------------------------------------------------------------------

async function booksBy(author: string): Promise<number> {
  const client = new MongoClient(topology.mongoUrl);
  try {
    return await client.db().collection('books').countDocuments({ author });
  } finally {
    await client.close();
  }
}

const notUtf8 = (author: string, bytes: number[]) =>
  Buffer.concat([Buffer.from('{"title":"Caf'), Buffer.from(bytes), Buffer.from(`","author":"${author}"}`)]);

const NOT_UTF8: [name: string, author: string, isChunked: boolean, bytes: number[], contentType: string][] = [
  ['a truncated 4-byte sequence F0 9F 98, with Content-Length', 'not-utf8-truncated', false, [0xf0, 0x9f, 0x98], 'application/json'],
  ['Latin-1 "Caf\u00e9" (E9), chunked', 'not-utf8-chunked', true, [0xe9], 'application/json'],
  ['Latin-1 "Caf\u00e9" labelled charset=latin1, chunked', 'not-utf8-latin1-chunked', true, [0xe9], 'application/json; charset=latin1'],
];

describe('bodies that are not UTF-8 (RFC 8259 section 8.1: JSON text must be UTF-8)', () => {
  it.each(NOT_UTF8)('refuses %s, and stores nothing', async (name, author, isChunked, bytes, contentType) => {
    const body = notUtf8(author, bytes);
    const request = isChunked
      ? rawHttpRequest({ method: 'POST', target: '/api/books', headers: [['Content-Type', contentType], ['Transfer-Encoding', 'chunked']], body: chunked(body), contentLength: false })
      : rawHttpRequest({ method: 'POST', target: '/api/books', headers: [['Content-Type', contentType]], body });
    const reply = fromRaw(await sendRaw(topology.gateway.url, request));
    record(`not UTF-8: ${name}`, reply);
    // Decoding with U+FFFD replacement would store silently changed text; the gateway's JSON parser
    // refuses bytes that are not UTF-8, whether the body is chunked or has a Content-Length.
    expectProblem(reply, 400, { type: 'malformed-request' });
    expect(await booksBy(author)).toBe(0);
  });
});
