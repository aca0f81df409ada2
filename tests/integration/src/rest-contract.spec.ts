import { Topology } from '@books/stack';
import { apiClient } from './support/http';

/**
 * The REST contract, end to end: HTTP → gateway → NATS → two books-service replicas →
 * FerretDB, all real, all as production builds.
 */
let topology: Topology;
const api = apiClient(() => topology.baseUrl);

beforeAll(async () => {
  topology = await Topology.start({ name: 'rest-contract', replicas: 2 });
});
afterAll(() => topology?.stop());

const PROBLEM = 'application/problem+json; charset=utf-8';
const newBook = (overrides: Record<string, unknown> = {}) => ({ title: 'A Canticle for Leibowitz', author: 'Walter M. Miller Jr.', ...overrides });

async function create(overrides: Record<string, unknown> = {}) {
  const response = await api('/books', { method: 'POST', json: newBook(overrides) });
  expect(response.status).toBe(201);
  return response.body;
}

async function allPages(query: string, pageSize = 8) {
  const items: any[] = [];
  for (let offset = 0; ; offset += pageSize) {
    const { body } = await api(`/books?limit=${pageSize}&offset=${offset}&${query}`);
    items.push(...body.items);
    if (offset + pageSize >= body.total) return { items, total: body.total };
  }
}

describe('listing', () => {
  it('shows the 42 sample books, 8 at a time, sorted by author', async () => {
    const { status, body } = await api('/books?limit=8');
    expect(status).toBe(200);
    expect(body.total).toBeGreaterThanOrEqual(42);
    expect(body.offset).toBe(0);
    expect(body.limit).toBe(8);
    expect(body.items).toHaveLength(8);
    const authors = body.items.map((book: any) => book.author.toLowerCase());
    expect(authors).toEqual([...authors].sort());
    expect(body.items[0]).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      title: expect.any(String),
      author: expect.any(String),
      year: expect.any(Number),
      score: expect.any(Number),
      read: expect.any(Boolean),
      version: 1,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('defaults to 20 per page', async () => {
    const { body } = await api('/books');
    expect(body.limit).toBe(20);
    expect(body.items).toHaveLength(20);
  });

  it.each(['title', 'author', 'year', 'score', 'createdAt', 'updatedAt', '-title', '-year'])(
    'pages through sort=%s without repeating or skipping a book',
    async (sort) => {
      const { items, total } = await allPages(`sort=${sort}`);
      const ids = items.map((book) => book.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toHaveLength(total);
    },
  );

  it('sorts text ignoring letter case, and descending with a leading minus', async () => {
    await create({ title: 'aaa lowercase first', author: 'zzz lowercase author' });
    await create({ title: 'AAB UPPERCASE SECOND', author: 'ZZZ UPPERCASE AUTHOR' });
    const { items } = await allPages('sort=title', 100);
    const titles = items.map((book) => book.title);
    expect(titles.indexOf('aaa lowercase first')).toBe(titles.indexOf('AAB UPPERCASE SECOND') - 1);
    const descending = await api('/books?sort=-author&limit=2');
    expect(descending.body.items.map((book: any) => book.author)).toEqual(['ZZZ UPPERCASE AUTHOR', 'zzz lowercase author']);
  });

  it('orders numbers, and sorts a year column with unknown years together', async () => {
    const { items } = await allPages('sort=year', 100);
    const years = items.map((book) => book.year).filter((year) => year !== null);
    expect(years).toEqual([...years].sort((a, b) => a - b));
  });

  it('searches title or author, case-insensitively and literally', async () => {
    const road = await api('/books?q=ROAD');
    expect(road.body.items.map((book: any) => book.title)).toContain('The Road');
    const byAuthor = await api('/books?q=wyndham');
    expect(byAuthor.body.items.length).toBeGreaterThan(0);
    expect(byAuthor.body.items.every((book: any) => book.author.includes('Wyndham'))).toBe(true);
    await create({ title: 'Signs (.*) and [brackets]', author: 'Regex Person' });
    const literal = await api(`/books?q=${encodeURIComponent('(.*)')}`);
    expect(literal.body.items.map((book: any) => book.title)).toEqual(['Signs (.*) and [brackets]']);
    const nothing = await api(`/books?q=${encodeURIComponent('.*')}&limit=100`);
    expect(nothing.body.items.every((book: any) => `${book.title}${book.author}`.includes('.*'))).toBe(true);
  });

  it('treats operator-looking search text as text', async () => {
    for (const q of ['{"$gt":""}', '$where', '$ne']) {
      const response = await api(`/books?q=${encodeURIComponent(q)}`);
      expect(response.status).toBe(200);
      expect(response.body.total).toBe(0);
    }
    const bracketed = await api('/books?q[$gt]=');
    expect(bracketed.status).toBe(400);
  });

  it('filters read and unread books', async () => {
    const read = await allPages('read=true', 100);
    const unread = await allPages('read=false', 100);
    const all = await api('/books?limit=1');
    expect(read.items.every((book) => book.read)).toBe(true);
    expect(unread.items.every((book) => !book.read)).toBe(true);
    expect(read.total + unread.total).toBe(all.body.total);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['offset=-1', 'offset'],
    ['offset=abc', 'offset'],
    ['sort=price', 'sort'],
    ['read=maybe', 'read'],
    ['limit=5&limit=6', 'limit'],
    ['color=blue', 'color'],
  ])('rejects %s with a 400 naming the parameter', async (query, field) => {
    const response = await api(`/books?${query}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe(PROBLEM);
    expect(response.body).toMatchObject({ status: 400, type: expect.stringContaining('validation-failed'), title: expect.any(String) });
    expect(response.body.errors.map((error: any) => error.field)).toEqual([field]);
  });
});

describe('one book', () => {
  it('returns a book with its version as ETag, and 304 when unchanged', async () => {
    const book = await create();
    const response = await api(`/books/${book.id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('etag')).toBe('"1"');
    expect(response.body).toEqual(book);
    const cached = await api(`/books/${book.id}`, { headers: { 'if-none-match': '"1"' } });
    expect(cached.status).toBe(304);
  });

  it('answers 404 problems for unknown and impossible ids', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-an-id', '..%2F..%2Fetc%2Fpasswd', '%00']) {
      const response = await api(`/books/${id}`);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe(PROBLEM);
      expect(response.body).toMatchObject({ status: 404, detail: expect.any(String) });
    }
  });
});

describe('creating', () => {
  it('creates with defaults, Location and ETag', async () => {
    const response = await api('/books', { method: 'POST', json: { title: '  The Drowned World ', author: 'J. G. Ballard' } });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ title: 'The Drowned World', author: 'J. G. Ballard', year: null, score: null, read: false, version: 1 });
    expect(response.headers.get('location')).toBe(`/api/books/${response.body.id}`);
    expect(response.headers.get('etag')).toBe('"1"');
    expect((await api(response.headers.get('location')!.replace('/api', ''))).body).toEqual(response.body);
  });

  it('rejects invalid fields with one error per field', async () => {
    const response = await api('/books', { method: 'POST', json: { title: '', author: 7, year: 1.5, score: 11, read: 'no', isbn: 'x' } });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe(PROBLEM);
    expect(response.body.errors.map((error: any) => error.field).sort()).toEqual(['author', 'isbn', 'read', 'score', 'title', 'year']);
    expect(JSON.stringify(response.body)).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+/);
  });

  it('rejects operators and prototype keys in bodies without storing anything', async () => {
    const before = (await api('/books?limit=1')).body.total;
    const attempts = [
      { json: { title: { $gt: '' }, author: 'x' } },
      { raw: '{"title":"t","author":"a","__proto__":{"admin":true}}' },
      { raw: '{"title":"t","author":"a","constructor":{"prototype":{"admin":true}}}' },
      { json: { title: 't', author: 'a', $set: { read: true } } },
    ];
    for (const attempt of attempts) {
      const response = await api('/books', { method: 'POST', headers: { 'content-type': 'application/json' }, ...attempt });
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe(PROBLEM);
    }
    expect((await api('/books?limit=1')).body.total).toBe(before);
  });

  it('answers 400 for broken JSON, 415 for other media types, 413 past 16 KiB', async () => {
    const broken = await api('/books', { method: 'POST', raw: '{"title": "x"', headers: { 'content-type': 'application/json' } });
    expect(broken.status).toBe(400);
    expect(broken.headers.get('content-type')).toBe(PROBLEM);
    const text = await api('/books', { method: 'POST', raw: 'title=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(text.status).toBe(415);
    expect(text.headers.get('content-type')).toBe(PROBLEM);
    const plain = await api('/books', { method: 'POST', raw: '{}', headers: { 'content-type': 'text/plain' } });
    expect(plain.status).toBe(415);
    const huge = await api('/books', { method: 'POST', json: newBook({ title: 'x'.repeat(17 * 1024) }) });
    expect(huge.status).toBe(413);
    expect(huge.headers.get('content-type')).toBe(PROBLEM);
  });

  it('makes retries with the same Idempotency-Key safe', async () => {
    const key = `retry-${Date.now()}`;
    const first = await api('/books', { method: 'POST', json: newBook({ title: 'Idempotent' }), headers: { 'idempotency-key': key } });
    const again = await api('/books', { method: 'POST', json: newBook({ title: 'Idempotent' }), headers: { 'idempotency-key': key } });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect((await api('/books?q=Idempotent')).body.total).toBe(1);
    const different = await api('/books', { method: 'POST', json: newBook({ title: 'Something else' }), headers: { 'idempotency-key': key } });
    expect(different.status).toBe(409);
    expect(different.body.type).toContain('idempotency-key-reused');
    const invalid = await api('/books', { method: 'POST', json: newBook(), headers: { 'idempotency-key': 'has spaces in it' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0].field).toBe('Idempotency-Key');
  });
});

describe('changing and deleting', () => {
  it('replaces with PUT and patches with PATCH, one version each', async () => {
    const book = await create({ year: 1959, score: 9 });
    const put = await api(`/books/${book.id}`, { method: 'PUT', json: { title: 'Renamed', author: 'Someone', read: true } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ title: 'Renamed', author: 'Someone', year: null, score: null, read: true, version: 2 });
    expect(put.headers.get('etag')).toBe('"2"');
    expect(Date.parse(put.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(book.updatedAt));
    expect(put.body.createdAt).toBe(book.createdAt);
    const patch = await api(`/books/${book.id}`, { method: 'PATCH', json: { score: 4 } });
    expect(patch.body).toMatchObject({ title: 'Renamed', score: 4, version: 3 });
    const same = await api(`/books/${book.id}`, { method: 'PATCH', json: { score: 4 } });
    expect(same.body.version).toBe(3);
  });

  it('honours If-Match: a stale version gets 412 and changes nothing', async () => {
    const book = await create();
    const ok = await api(`/books/${book.id}`, { method: 'PATCH', json: { read: true }, headers: { 'if-match': '"1"' } });
    expect(ok.status).toBe(200);
    const stale = await api(`/books/${book.id}`, { method: 'PATCH', json: { score: 1 }, headers: { 'if-match': '"1"' } });
    expect(stale.status).toBe(412);
    expect(stale.headers.get('content-type')).toBe(PROBLEM);
    const now = await api(`/books/${book.id}`);
    expect(now.body).toMatchObject({ read: true, score: null, version: 2 });
    const staleDelete = await api(`/books/${book.id}`, { method: 'DELETE', headers: { 'if-match': '"1"' } });
    expect(staleDelete.status).toBe(412);
    const any = await api(`/books/${book.id}`, { method: 'PATCH', json: { score: 2 }, headers: { 'if-match': '*' } });
    expect(any.status).toBe(200);
  });

  it.each(['1', 'W/"1"', '"abc"', '"1", "2"'])('rejects If-Match %s with 400', async (ifMatch) => {
    const book = await create();
    const response = await api(`/books/${book.id}`, { method: 'PATCH', json: { read: true }, headers: { 'if-match': ifMatch } });
    expect(response.status).toBe(400);
    expect(response.body.errors[0].field).toBe('If-Match');
  });

  it('validates changes like new books, and needs at least one field to PATCH', async () => {
    const book = await create();
    expect((await api(`/books/${book.id}`, { method: 'PATCH', json: {} })).status).toBe(400);
    expect((await api(`/books/${book.id}`, { method: 'PATCH', json: { score: 12 } })).body.errors).toEqual([
      { field: 'score', message: 'Score must be at most 10' },
    ]);
    expect((await api(`/books/${book.id}`, { method: 'PUT', json: { title: 'Only a title' } })).status).toBe(400);
    expect((await api(`/books/${book.id}`, { method: 'PATCH', json: { version: 9 } })).status).toBe(400);
  });

  it('deletes: 204, then 404', async () => {
    const book = await create();
    const deleted = await api(`/books/${book.id}`, { method: 'DELETE', headers: { 'if-match': '"1"' } });
    expect(deleted.status).toBe(204);
    expect((await api(`/books/${book.id}`)).status).toBe(404);
    expect((await api(`/books/${book.id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await api(`/books/${book.id}`, { method: 'PATCH', json: { read: true } })).status).toBe(404);
  });
});

describe('the rest of the surface', () => {
  it('reports liveness and readiness', async () => {
    expect((await api('/health/live')).status).toBe(200);
    const ready = await api('/health/ready');
    expect(ready.status).toBe(200);
    // Whether, not which: replica names are not for anonymous callers.
    expect(ready.body).toEqual({ status: 'ok' });
  });

  it('serves an OpenAPI document and interactive docs', async () => {
    const openapi = await api('/openapi.json');
    expect(openapi.status).toBe(200);
    expect(openapi.body.openapi).toMatch(/^3\./);
    expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/api/books', '/api/books/{id}']));
    expect(Object.keys(openapi.body.paths['/api/books/{id}'])).toEqual(expect.arrayContaining(['get', 'put', 'patch', 'delete']));
    const docs = await fetch(`${topology.baseUrl}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
  });

  it('echoes a sane X-Request-Id and invents one otherwise', async () => {
    const given = await api('/books?limit=1', { headers: { 'x-request-id': 'trace-abc.123' } });
    expect(given.headers.get('x-request-id')).toBe('trace-abc.123');
    const invented = await api('/books?limit=1', { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(invented.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes with a 404 problem', async () => {
    const response = await api('/nothing-here');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe(PROBLEM);
  });
});
