import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runExport } from './export-command';
import { type Answer, FakeCatalogue, capturedIo, json } from './testing/fake-catalogue';

const CSV = 'id,title,author,year,score,read,version,createdAt,updatedAt\n';
const ROW = '0b6f6a3e-3f7e-4c8e-9d5a-1f2e3d4c5b6a,"Salt, Smoke and Ink",Zoë O’Brien,-450,,true,1,2026-12-01T10:00:00.000Z,2026-12-01T10:00:00.000Z\n';

/** Sends the body in pieces, as a streamed export arrives. */
const streamed =
  (contentType: string, ...pieces: string[]): Answer =>
  (_, response) => {
    response.writeHead(200, { 'content-type': contentType, 'content-disposition': 'attachment; filename="books.csv"' });
    const next = () => {
      const piece = pieces.shift();
      if (piece === undefined) response.end();
      else response.write(piece, () => setImmediate(next));
    };
    next();
  };

describe('npm run export', () => {
  let dir: string;
  let api: FakeCatalogue;
  let answer: Answer;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'catalogue-export-'));
    answer = streamed('text/csv', CSV, ROW, ROW);
    api = await FakeCatalogue.start((request, response) => answer(request, response));
  });
  afterEach(async () => {
    await api.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function run(args: string[], env: Record<string, string> = {}) {
    const { io, text } = capturedIo({ CATALOGUE_URL: api.url, ...env });
    const code = await runExport(args, io);
    return { code, ...text };
  }

  it('writes the export to --out in the format of its extension, and leaves no partial file', async () => {
    const out = join(dir, 'books.csv');
    const result = await run(['--out', out]);

    expect(result).toEqual({ code: 0, stdout: '', stderr: expect.stringMatching(new RegExp(`^Exported ${Buffer.byteLength(CSV + ROW + ROW)} bytes of csv to ${out} in \\d+\\.\\d s\\n$`)) });
    expect(api.requests).toMatchObject([{ method: 'GET', url: '/api/books/export?format=csv' }]);
    expect(api.requests[0].headers.accept).toBe('text/csv, application/problem+json');
    expect(await readFile(out, 'utf8')).toBe(CSV + ROW + ROW);
    expect(await readdir(dir)).toEqual(['books.csv']);
  });

  it('streams NDJSON to standard output by default', async () => {
    const lines = ['{"title":"Ödland","author":"Jörg Müller"}\n', '{"title":"雪国の朝","author":"田中美咲"}\n'];
    answer = streamed('application/x-ndjson', ...lines);
    const result = await run([]);
    expect(result).toEqual({ code: 0, stdout: lines.join(''), stderr: expect.stringContaining('of ndjson to standard output') });
    expect(api.requests[0].url).toBe('/api/books/export?format=ndjson');
  });

  it('takes --format over the extension, and a relative --out from where npm was started', async () => {
    answer = streamed('application/json', '[', ']\n');
    const result = await run(['--format', 'json', '--out', 'catalogue.txt'], { INIT_CWD: dir });
    expect(result.code).toBe(0);
    expect(api.requests[0].url).toBe('/api/books/export?format=json');
    expect(await readFile(join(dir, 'catalogue.txt'), 'utf8')).toBe('[]\n');
  });

  it('prints the problem of an error response, exits 1 and writes nothing', async () => {
    answer = (_, response) =>
      json(response, 503, { type: 'urn:books-catalogue:problem:service-unavailable', title: 'The books service is unavailable', status: 503, detail: 'Try again.' }, 'application/problem+json');
    const result = await run(['--out', join(dir, 'books.csv')]);
    expect(result).toEqual({ code: 1, stdout: '', stderr: `${api.url}/api/books/export?format=csv: HTTP 503 Service Unavailable: The books service is unavailable\nTry again.\n` });
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps the previous file when the export is cut off, and exits 1', async () => {
    const out = join(dir, 'books.csv');
    await writeFile(out, 'the previous export\n');
    answer = (_, response) => {
      response.writeHead(200, { 'content-type': 'text/csv' });
      response.write(CSV, () => setTimeout(() => response.socket?.destroy(), 20));
    };
    const result = await run(['--out', out]);
    expect(result).toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(`^The export stopped after ${Buffer.byteLength(CSV)} bytes: terminated`) });
    expect(await readFile(out, 'utf8')).toBe('the previous export\n');
    expect(await readdir(dir)).toEqual(['books.csv']);
  });

  it('refuses an unknown format with the usage, asking nothing', async () => {
    const result = await run(['--format', 'xlsx']);
    expect(result).toEqual({ code: 1, stdout: '', stderr: expect.stringContaining('--format must be one of ndjson, csv, json, not "xlsx"\n\nUsage: npm run export') });
    expect(api.requests).toEqual([]);
  });
});
