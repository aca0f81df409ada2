import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FakeCatalogue, json } from './testing/fake-catalogue';

const WORKSPACE_ROOT = resolve(__dirname, '../../..');

/** Runs a command as `npm run import` / `npm run export` do: tsx with the workspace's paths. */
function runScript(script: 'import' | 'export', args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const command = [require.resolve('tsx/cli'), '--tsconfig', 'tsconfig.base.json', `tools/catalogue-cli/src/${script}.ts`, ...args];
  return new Promise((done) => {
    execFile(process.execPath, command, { cwd: WORKSPACE_ROOT, env: { ...process.env, INIT_CWD: undefined, ...env } }, (error, stdout, stderr) => {
      done({ code: typeof error?.code === 'number' ? error.code : error ? -1 : 0, stdout, stderr });
    });
  });
}

describe('the import and export scripts', () => {
  let dir: string;
  let api: FakeCatalogue;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'catalogue-cli-'));
    api = await FakeCatalogue.start((request, response) =>
      request.method === 'POST'
        ? json(response, 200, { received: 1, created: 0, updated: 0, unchanged: 0, rejected: 1, rejections: [{ record: 1, line: 2, field: 'title', reason: 'Title is required' }] })
        : response.writeHead(200, { 'content-type': 'application/x-ndjson' }).end('{"title":"Ödland"}\n'),
    );
  });
  afterAll(async () => {
    await api.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('import exits 2, as a process, when the report has rejections', async () => {
    const file = join(dir, 'books.csv');
    await writeFile(file, 'title,author\n,Nobody\n');
    const result = await runScript('import', [file], { CATALOGUE_URL: api.url });
    expect(result).toEqual({ code: 2, stdout: expect.stringContaining('  record 1, line 2, title: Title is required\n'), stderr: '' });
  }, 30_000);

  it('export exits 0, as a process, with the export on standard output', async () => {
    const result = await runScript('export', ['--url', api.url], {});
    expect(result).toEqual({ code: 0, stdout: '{"title":"Ödland"}\n', stderr: expect.stringContaining('Exported 20 bytes of ndjson') });
  }, 30_000);
});
