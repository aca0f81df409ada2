import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImportReport } from '@books/contracts';
import { runImport } from './import-command';
import { type Answer, FakeCatalogue, capturedIo, json } from './testing/fake-catalogue';

const report = (fields: Partial<ImportReport> = {}): ImportReport => ({ received: 3, created: 2, updated: 1, unchanged: 0, rejected: 0, rejections: [], ...fields });
const answerWith = (status: number, body: unknown, contentType?: string): Answer => (_, response) => json(response, status, body, contentType);

describe('npm run import', () => {
  let dir: string;
  let api: FakeCatalogue;
  let answer: Answer;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'catalogue-import-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    answer = answerWith(200, report());
    api = await FakeCatalogue.start((request, response) => answer(request, response));
  });
  afterEach(() => api.stop());

  async function file(name: string, content: string | Buffer): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, content);
    return path;
  }

  async function run(args: string[], env: Record<string, string> = {}) {
    const { io, text } = capturedIo({ CATALOGUE_URL: api.url, ...env });
    const code = await runImport(args, io);
    return { code, ...text };
  }

  it.each([
    ['books.ndjson', 'application/x-ndjson'],
    ['books.jsonl', 'application/x-ndjson'],
    ['books.csv', 'text/csv'],
    ['BOOKS.CSV', 'text/csv'],
    ['books.json', 'application/json'],
  ])('streams %s as it is, as %s, and exits 0 when every record was taken', async (name, contentType) => {
    const content = 'title,author\nÖdland,Zoë O’Brien\n';
    const result = await run([await file(name, content)]);

    expect(api.requests).toHaveLength(1);
    const [request] = api.requests;
    expect(request).toMatchObject({ method: 'POST', url: '/api/books/import' });
    expect(request.headers['content-type']).toBe(contentType);
    expect(request.headers['transfer-encoding']).toBe('chunked');
    expect(request.body.equals(Buffer.from(content))).toBe(true);
    expect(result).toEqual({ code: 0, stdout: expect.stringMatching(new RegExp(`^${name}: 3 received, 2 created, 1 updated, 0 unchanged, 0 rejected \\(\\d+\\.\\d s\\)\\n$`)), stderr: '' });
  });

  it('sends CATALOGUE_TOKEN as a bearer token, and nothing when it is unset', async () => {
    const path = await file('books.csv', 'title,author\nA,B\n');
    await run([path], { CATALOGUE_TOKEN: 'an.access.token' });
    await run([path]);
    expect(api.requests.map((request) => request.headers['authorization'])).toEqual(['Bearer an.access.token', undefined]);
  });

  it('sends a large file whole, byte for byte', async () => {
    const line = `${JSON.stringify({ title: 'Łódź, „Zima” — 雪国の朝', author: "Seán O'Brien", year: -450, score: null, read: true })}\n`;
    const content = Buffer.from(line.repeat(50_000));
    await run([await file('large.ndjson', content)]);
    expect(api.requests[0].body.length).toBe(content.length);
    expect(api.requests[0].body.equals(content)).toBe(true);
  });

  it('prints every rejection with its record, line and field, and exits 2', async () => {
    answer = answerWith(
      200,
      report({
        received: 6,
        created: 2,
        rejected: 4,
        rejections: [
          { record: 2, line: 3, field: 'year', reason: 'Year must be 2027 or earlier' },
          { record: 5, reason: 'A record must be an object with a title and an author' },
        ],
      }),
    );
    const result = await run([await file('books.csv', 'title,author\n')]);
    expect(result.code).toBe(2);
    expect(result.stdout.split('\n').slice(1)).toEqual([
      '  record 2, line 3, year: Year must be 2027 or earlier',
      '  record 5: A record must be an object with a title and an author',
      '  … and 2 more, not listed in the report',
      '',
    ]);
    expect(result.stdout).toMatch(/^books\.csv: 6 received, 2 created, 1 updated, 0 unchanged, 4 rejected/);
  });

  it('takes --format for a file whose extension does not say', async () => {
    const result = await run([await file('books.txt', 'title,author\n'), '--format', 'csv']);
    expect(result.code).toBe(0);
    expect(api.requests[0].headers['content-type']).toBe('text/csv');
  });

  it.each([
    [['books.txt'], 'Cannot tell the format of books.txt from its extension: add --format ndjson|csv|json'],
    [['books.csv', '--format', 'xml'], '--format must be one of ndjson, csv, json, not "xml"'],
    [[], 'Which file? Give one.'],
    [['a.csv', 'b.csv'], 'One file at a time, not 2'],
    [['books.csv', '--bogus'], "Unknown option '--bogus'"],
  ])('refuses %j with the usage, sending nothing', async (args, message) => {
    const result = await run(args);
    expect(result).toEqual({ code: 1, stdout: '', stderr: expect.stringContaining(message) });
    expect(result.stderr).toContain('Usage: npm run import -- <file>');
    expect(api.requests).toEqual([]);
  });

  it('says why it cannot read the file, sending nothing', async () => {
    await mkdir(join(dir, 'folder.csv'), { recursive: true });
    expect(await run([join(dir, 'missing.csv')])).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(/^Cannot read .*missing\.csv: ENOENT/) });
    expect(await run([join(dir, 'folder.csv')])).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(/^Cannot read .*folder\.csv: not a file\n$/) });
    expect(api.requests).toEqual([]);
  });

  it('reads a relative path from the folder npm was started in (INIT_CWD)', async () => {
    await file('relative.ndjson', '{"title":"T","author":"A"}\n');
    expect((await run(['relative.ndjson'], { INIT_CWD: dir })).code).toBe(0);
    expect(api.requests[0].body.toString()).toBe('{"title":"T","author":"A"}\n');
  });

  it('prints the problem of an error response (title, detail, field errors) and exits 1', async () => {
    answer = answerWith(
      415,
      {
        type: 'urn:books-catalogue:problem:unsupported-media-type',
        title: 'The request body must be JSON',
        status: 415,
        detail: 'Send application/x-ndjson, text/csv or application/json.',
        errors: [{ field: 'content-type', message: 'Unsupported' }],
      },
      'application/problem+json; charset=utf-8',
    );
    const result = await run([await file('books.csv', 'title,author\n')]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `${api.url}/api/books/import: HTTP 415 Unsupported Media Type: The request body must be JSON\nSend application/x-ndjson, text/csv or application/json.\n  content-type: Unsupported\n`,
    });
  });

  it("shows only the status of an error that is not a problem (a proxy's HTML page)", async () => {
    answer = (_, response) => response.writeHead(502, { 'content-type': 'text/html' }).end('<html><body>Bad Gateway</body></html>');
    const result = await run([await file('books.csv', 'title,author\n')]);
    expect(result).toEqual({ code: 1, stdout: '', stderr: `${api.url}/api/books/import: HTTP 502 Bad Gateway\n` });
  });

  it('refuses a 200 that is not an import report', async () => {
    answer = answerWith(200, { items: [] });
    const result = await run([await file('books.csv', 'title,author\n')]);
    expect(result).toEqual({ code: 1, stdout: '', stderr: `${api.url}/api/books/import: HTTP 200, but the answer is not an import report\n` });
  });

  it('says so when nothing answers, and exits 1', async () => {
    const path = await file('books.csv', 'title,author\n');
    const url = api.url;
    await api.stop();
    api = await FakeCatalogue.start(answer);
    const result = await run([path], { CATALOGUE_URL: url });
    expect(result).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(/^No answer from http:\/\/127\.0\.0\.1:\d+: fetch failed: connect ECONNREFUSED/) });
  });

  it('takes --url over CATALOGUE_URL, and keeps a path in it', async () => {
    const result = await run([await file('books.csv', 'title,author\n'), '--url', `${api.url}/catalogue`], { CATALOGUE_URL: 'http://127.0.0.1:9' });
    expect(result.code).toBe(0);
    expect(api.requests[0].url).toBe('/catalogue/api/books/import');
  });

  it.each([
    [{ CATALOGUE_URL: '' }, [], 'CATALOGUE_URL must be the catalogue\'s http(s) URL, such as http://127.0.0.1:8080, not ""'],
    [{}, ['--url', 'ftp://example.org'], '--url must be the catalogue\'s http(s) URL, such as http://127.0.0.1:8080, not "ftp://example.org"'],
    [{}, ['--url', '127.0.0.1:8080'], '--url must be the catalogue\'s http(s) URL'],
  ])('refuses a malformed URL (%j %j) by the name of its setting', async (env, args, message) => {
    const result = await run(['books.csv', ...args], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
  });
});
