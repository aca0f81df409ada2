import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNginxConfig } from './nginx';

let prefix: string;
beforeAll(() => {
  prefix = mkdtempSync(join(tmpdir(), 'stack-nginx-'));
});
afterAll(() => rmSync(prefix, { recursive: true, force: true }));

// Nginx starts with the same checks as `nginx -t`: a warning here is printed at every start.
it('renders the shared template into a config nginx -t takes without a warning', () => {
  const file = writeNginxConfig({ prefix, gatewayAddress: '127.0.0.1:3000', webRoot: prefix, listen: '127.0.0.1:8080' });
  const check = spawnSync('nginx', ['-t', '-p', prefix, '-c', file], { encoding: 'utf8' });
  expect(check.error).toBeUndefined();
  expect(check.stderr).toContain('test is successful');
  expect(check.stderr).not.toMatch(/\[(warn|emerg|alert|crit|error)\]/);
});
