import { Topology } from '@books/stack';
import { apiClient } from './support/http';
import { readAllEvents } from './support/stream';

/**
 * The catalogue as a whole: searching, paging by cursor while others write, importing and
 * exporting files, and reading one's own writes through any gateway and replica. Real NATS,
 * FerretDB, two books-service replicas and two gateways.
 */
let topology: Topology;
const api = apiClient(() => topology.baseUrl);
const viaGateway = (n: number) => apiClient(() => `http://127.0.0.1:${topology.gateways[n].port}/api`);

beforeAll(async () => {
  topology = await Topology.start({ name: 'catalogue', replicas: 2, gateways: 2 });
});
afterAll(() => topology?.stop());

async function importFile(body: string, contentType: string, client = api) {
  return client('/books/import', { method: 'POST', raw: body, headers: { 'content-type': contentType } });
}

const ndjson = (records: unknown[]) => records.map((record) => JSON.stringify(record)).join('\n');

describe('search', () => {
  beforeAll(async () => {
    const response = await importFile(
      ndjson([
        { title: 'The Road', author: 'Cormac McCarthy', year: 2006 },
        { title: 'Z for Zachariah', author: 'Robert C. O’Brien', year: 1974 },
        { title: 'Ödland (1.5*)', author: 'Émile Zürcher', year: -300 },
      ]),
      'application/x-ndjson',
    );
    expect(response.status).toBe(200);
  });

  const titles = async (q: string) => (await api(`/books?limit=100&sort=title&q=${encodeURIComponent(q)}`)).body.items.map((book: any) => book.title);

  it('finds a book when every word is in its title or author, in any order', async () => {
    expect(await titles('mccarthy road')).toContain('The Road');
    expect(await titles('ROAD McCarthy')).toContain('The Road');
    expect(await titles('road wyndham')).not.toContain('The Road');
  });

  it('folds case, accents and apostrophe forms', async () => {
    expect(await titles('odland emile')).toEqual(['Ödland (1.5*)']);
    expect(await titles("o'brien")).toEqual(['Z for Zachariah']);
    expect(await titles('o‘brien')).toEqual(['Z for Zachariah']);
  });

  it('takes the text literally: pattern characters are just characters', async () => {
    expect(await titles('(1.5*)')).toEqual(['Ödland (1.5*)']);
    expect(await titles('.*')).toEqual([]);
  });
});

describe('sorting', () => {
  it('puts books without a year last, in both directions', async () => {
    await api('/books', { method: 'POST', json: { title: 'Yearless', author: 'Nobody', year: null } });
    for (const sort of ['year', '-year']) {
      const { body } = await api(`/books?limit=100&sort=${sort}`);
      const years = body.items.map((book: any) => book.year);
      const firstNull = years.indexOf(null);
      expect(firstNull).toBeGreaterThan(0);
      expect(years.slice(firstNull).every((year: unknown) => year === null)).toBe(true);
    }
  });
});

describe('cursor paging', () => {
  it('walks the whole list by `next` links while others add and delete books: none skipped, none repeated', async () => {
    const before = (await api('/books?limit=100&sort=title')).body.items.map((book: any) => book.id);
    const seen: string[] = [];
    let url = '/books?limit=7&sort=title';
    let page = 0;
    const added: string[] = [];
    const deleted: string[] = [];
    while (url) {
      const response = await api(url);
      expect(response.status).toBe(200);
      seen.push(...response.body.items.map((book: any) => book.id));
      const link = response.headers.get('link');
      url = link ? link.slice(link.indexOf('</api') + 5, link.indexOf('>')) : '';
      expect(response.body.nextCursor === null).toBe(link === null);
      // Between pages: a new book, and a book from far down the list goes.
      const created = await api('/books', { method: 'POST', json: { title: `AAA inserted ${page}`, author: 'Cursor' } });
      added.push(created.body.id);
      const victim = before[before.length - 1 - page];
      if (!seen.includes(victim)) {
        expect((await api(`/books/${victim}`, { method: 'DELETE' })).status).toBe(204);
        deleted.push(victim);
      }
      page++;
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of before) if (!deleted.includes(id)) expect(seen).toContain(id);
  });

  it('gives the page after the cursor, not a cached first page, when nothing changes in between', async () => {
    const first = await api('/books?limit=3&sort=-title');
    const second = await api(`/books?limit=3&sort=-title&cursor=${first.body.nextCursor}`);
    const byOffset = await api('/books?limit=3&sort=-title&offset=3');
    expect(second.body.items).toEqual(byOffset.body.items);
    expect(second.body.offset).toBe(3);
  });

  it('refuses a cursor from another sort, and an offset with a cursor', async () => {
    const { body } = await api('/books?limit=2&sort=title');
    const other = await api(`/books?limit=2&sort=author&cursor=${body.nextCursor}`);
    expect(other.status).toBe(400);
    expect(other.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
    expect((await api(`/books?limit=2&sort=title&offset=2&cursor=${body.nextCursor}`)).status).toBe(400);
    expect((await api('/books?cursor=not*a*cursor')).status).toBe(400);
  });
});

describe('import', () => {
  const file = [
    'title,author,year,score,read',
    'The Drowned World,J. G. Ballard,1962,7,true',
    ',Nobody,1999,,false',
    'Good Omens,"Pratchett, Terry",1990,11,false',
    'The Stand,Stephen King,1978,,',
  ].join('\n');

  it('reports every rejected line with its field and reason, and imports the rest', async () => {
    const { status, body } = await importFile(file, 'text/csv');
    expect(status).toBe(200);
    expect(body).toMatchObject({ received: 4, rejected: 2 });
    expect(body.created + body.updated + body.unchanged).toBe(2);
    expect(body.rejections).toEqual([
      { record: 2, line: 3, field: 'title', reason: 'Title is required' },
      { record: 3, line: 4, field: 'score', reason: 'Score must be at most 10' },
    ]);
    const stand = (await api('/books?q=stephen%20king%20stand')).body.items[0];
    expect(stand).toMatchObject({ title: 'The Stand', year: 1978, score: null, read: false });
  });

  it('changes nothing and publishes nothing when the same file comes again', async () => {
    await importFile(file, 'text/csv');
    const events = (await readAllEvents(topology.natsOptions())).length;
    const { body } = await importFile(file, 'text/csv');
    expect(body).toMatchObject({ received: 4, created: 0, updated: 0, unchanged: 2, rejected: 2 });
    expect((await readAllEvents(topology.natsOptions())).length).toBe(events);
  });

  it('reads JSON arrays and says where an unreadable NDJSON line is', async () => {
    const json = await importFile(JSON.stringify([{ title: 'Array Book', author: 'J. Son', read: true }]), 'application/json');
    expect(json.body).toMatchObject({ received: 1, rejected: 0 });
    const lines = await importFile('{"title":"Fine","author":"Line"}\n\n{not json\n', 'application/x-ndjson');
    expect(lines.body.rejections).toEqual([{ record: 2, line: 3, reason: 'This line is not valid JSON' }]);
  });

  it('answers 415 to a format it does not read, and 400 to a CSV with unknown columns', async () => {
    expect((await importFile('x', 'text/plain')).status).toBe(415);
    const unknown = await importFile('title,author,colour\nA,B,red', 'text/csv');
    expect(unknown.status).toBe(400);
    expect(unknown.body.detail).toContain('"colour"');
  });
});

describe('export', () => {
  it('streams the catalogue as NDJSON, CSV and JSON, the same books in the same order', async () => {
    const nd = await api('/books/export?format=ndjson');
    expect(nd.status).toBe(200);
    expect(nd.headers.get('content-disposition')).toMatch(/^attachment; filename="books-\d{4}-\d\d-\d\d\.ndjson"$/);
    const fromNdjson = (nd.body as string).trim().split('\n').map((line) => JSON.parse(line));
    const fromJson = (await api('/books/export?format=json')).body;
    expect(fromJson).toEqual(fromNdjson);
    const csv = (await api('/books/export?format=csv')).body as string;
    expect(csv.split('\n')[0]).toBe('id,title,author,year,score,read,version,createdAt,updatedAt');
    expect(csv.trim().split('\n')).toHaveLength(fromNdjson.length + 1);
    const total = (await api('/books?limit=1')).body.total;
    expect(fromNdjson).toHaveLength(total);
    expect((await api('/books/export?format=xml')).status).toBe(400);
  });

  it('round-trips: an export imported into an empty catalogue gives the same books', async () => {
    const exported = (await api('/books/export?format=csv')).body as string;
    const empty = await Topology.start({ name: 'catalogue-empty', replicas: 1, serviceEnv: { SEED_BOOKS: 'false' } });
    try {
      const target = apiClient(() => empty.baseUrl);
      const { body: report } = await importFile(exported, 'text/csv', target);
      expect(report).toMatchObject({ rejected: 0, created: report.received });
      const pick = (books: any[]) => books.map(({ id, title, author, year, score, read }) => ({ id, title, author, year, score, read }));
      const original = (nd: string) => nd.trim().split('\n').map((line) => JSON.parse(line));
      const source = pick(original((await api('/books/export')).body));
      const copy = pick(original((await target('/books/export')).body));
      expect(copy.sort((a, b) => a.id.localeCompare(b.id))).toEqual(source.sort((a, b) => a.id.localeCompare(b.id)));
    } finally {
      await empty.stop();
    }
  });
});

describe('read-your-writes', () => {
  it('a write through one gateway is in the next list read through the other, by position header and by cookie', async () => {
    for (let i = 0; i < 20; i++) {
      const writer = viaGateway(i % 2);
      const reader = viaGateway((i + 1) % 2);
      const created = await writer('/books', { method: 'POST', json: { title: `Fresh ${i}`, author: 'Ryw Tester' } });
      const position = created.headers.get('books-position');
      expect(Number(position)).toBeGreaterThan(0);
      expect(created.headers.get('set-cookie')).toContain(`books_position=${position}`);
      const headers: Record<string, string> = i % 4 < 2 ? { 'books-min-position': String(position) } : { cookie: `books_position=${position}` };
      const { body } = await reader(`/books?limit=100&sort=-createdAt&q=ryw%20tester`, { headers });
      expect(body.items[0].title).toBe(`Fresh ${i}`);
    }
  });

  it('does not wait for a position past the end of the stream (one from before the stream was recreated)', async () => {
    const started = Date.now();
    const response = await api('/books?limit=1', { headers: { 'books-min-position': '999999999' } });
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(2_900);
  });
});

describe('history and restore', () => {
  async function bookWithHistory() {
    const created = (await api('/books', { method: 'POST', json: { title: 'Versions', author: 'Historian', score: 5 } })).body;
    await api(`/books/${created.id}`, { method: 'PATCH', json: { score: 7 } });
    await api(`/books/${created.id}`, { method: 'PATCH', json: { title: 'Versions, revised', read: true } });
    expect((await api(`/books/${created.id}`, { method: 'DELETE', headers: { 'if-match': '"3"' } })).status).toBe(204);
    return created.id as string;
  }

  it("lists a book's versions newest first, field by field, a page at a time, deleted or not", async () => {
    const id = await bookWithHistory();
    const first = await api(`/books/${id}/history?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.items.map((entry: any) => [entry.version, entry.type, entry.changes])).toEqual([
      [4, 'deleted', [
        { field: 'title', from: 'Versions, revised', to: null },
        { field: 'author', from: 'Historian', to: null },
        { field: 'score', from: 7, to: null },
        { field: 'read', from: true, to: null },
      ]],
      [3, 'updated', [{ field: 'title', from: 'Versions', to: 'Versions, revised' }, { field: 'read', from: false, to: true }]],
    ]);
    expect(first.body.next).toBe(3);
    const older = await api(`/books/${id}/history?limit=2&before=${first.body.next}`);
    expect(older.body.items.map((entry: any) => [entry.version, entry.type, entry.changes.map((change: any) => change.field)])).toEqual([
      [2, 'updated', ['score']],
      [1, 'created', ['title', 'author', 'score', 'read']],
    ]);
    expect(older.body.next).toBeNull();
    expect((await api('/books/00000000-0000-4000-8000-000000000000/history')).status).toBe(404);
    expect((await api(`/books/${id}/history?before=1`)).status).toBe(400);
  });

  it('restores a deleted book with the same id at the next version, once', async () => {
    const id = await bookWithHistory();
    expect((await api(`/books/${id}/restore`, { method: 'POST', headers: { 'if-match': '"3"' } })).status).toBe(412);
    const restored = await api(`/books/${id}/restore`, { method: 'POST', headers: { 'if-match': '"4"' } });
    expect(restored.status).toBe(200);
    expect(restored.headers.get('etag')).toBe('"5"');
    expect(restored.body).toMatchObject({ id, version: 5, title: 'Versions, revised', score: 7, read: true });
    expect((await api(`/books/${id}`)).body.version).toBe(5);
    expect((await api(`/books/${id}/restore`, { method: 'POST' })).status).toBe(409);
    expect((await api('/books/00000000-0000-4000-8000-000000000000/restore', { method: 'POST' })).status).toBe(404);
    const [newest] = (await api(`/books/${id}/history?limit=1`)).body.items;
    expect(newest).toMatchObject({ version: 5, type: 'created' });
    const events = (await readAllEvents(topology.natsOptions())).filter((stored) => stored.event.bookId === id);
    expect(events.map((stored) => `${stored.event.type}@${stored.event.version}`)).toEqual([
      'book.created@1',
      'book.updated@2',
      'book.updated@3',
      'book.deleted@4',
      'book.created@5',
    ]);
  });

  it('pages through a book with hundreds of versions at the same cost as through one with four', async () => {
    const { id } = (await api('/books', { method: 'POST', json: { title: 'Busy', author: 'Editor' } })).body;
    for (let i = 0; i < 150; i++) await api(`/books/${id}`, { method: 'PATCH', json: { score: i % 11 } });
    const page = await api(`/books/${id}/history?before=100&limit=20`);
    expect(page.body.items.map((entry: any) => entry.version)).toEqual(Array.from({ length: 20 }, (_, i) => 99 - i));
    expect(page.body.next).toBe(80);
    const newest = await api(`/books/${id}/history?limit=1`);
    expect(newest.body.items[0].version).toBe(151);
  });
});
