import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './support/paths';
import { TEST_SECRETS } from './support/compose';

/**
 * deploy/nats/nats.conf, the users and permissions docker-compose.yml's nats-server runs with,
 * checked by nats-server itself (`-t`), Debian's 2.9 here: the oldest the project supports.
 * tests/integration/src/nats-auth.spec.ts runs the same permissions against real clients.
 */
function check(env: Record<string, string>) {
  return spawnSync('nats-server', ['-c', join(REPO, 'deploy', 'nats', 'nats.conf'), '-t'], {
    encoding: 'utf8',
    env: { PATH: `/usr/sbin:/usr/bin:/bin:${process.env['PATH'] ?? ''}`, ...env },
  });
}

it('is a valid nats-server configuration when the passwords are given', () => {
  const result = check(TEST_SECRETS);
  expect(result.stderr + result.stdout).toMatch(/is valid/);
  expect(result.status).toBe(0);
});

it('refuses to start without a password, naming it', () => {
  const result = check({ NATS_GATEWAY_PASSWORD: TEST_SECRETS.NATS_GATEWAY_PASSWORD });
  expect(result.status).not.toBe(0);
  expect(result.stderr).toMatch(/NATS_BOOKS_SERVICE_PASSWORD/);
});
