import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOOLS_DIR } from '@books/stack';
import { REPO } from './paths';

/** Docker Compose v2 itself, built by scripts/setup-compose.sh (or any binary named by DOCKER_COMPOSE_BIN). */
export const COMPOSE_BIN = process.env['DOCKER_COMPOSE_BIN'] ?? join(TOOLS_DIR, 'bin', 'docker-compose');

export interface ComposeResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Stand-ins for the passwords the file requires (it has no defaults for them, on purpose). */
export const TEST_SECRETS = {
  IDENTITY_COOKIE_KEYS: 'test-identity-cookie-key-of-32-characters',
  NATS_BOOKS_SERVICE_PASSWORD: 'test-books-service-password',
  NATS_CLUSTER_PASSWORD: 'test-cluster-password',
  NATS_GATEWAY_PASSWORD: 'test-gateway-password',
};

/**
 * Runs `docker-compose -f <file> <args>` in a clean environment: only PATH and HOME, the
 * TEST_SECRETS (unless `secrets: false`) and the given variables, and no env file (/dev/null)
 * instead of a developer's .env, so the results are the file's own defaults unless a test sets
 * a variable. `config` needs no Docker engine.
 */
export function compose(
  args: string[],
  options: { env?: Record<string, string>; file?: string; envFile?: string; secrets?: boolean } = {},
): ComposeResult {
  if (!existsSync(COMPOSE_BIN)) throw new Error(`${COMPOSE_BIN} is missing: run scripts/setup-compose.sh (it builds Docker Compose)`);
  const result = spawnSync(
    COMPOSE_BIN,
    ['--project-directory', REPO, '-f', options.file ?? join(REPO, 'docker-compose.yml'), '--env-file', options.envFile ?? '/dev/null', ...args],
    {
      cwd: REPO,
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? tmpdir(), ...(options.secrets !== false && TEST_SECRETS), ...options.env },
      timeout: 30_000,
    },
  );
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `config --format json`: the file parsed, validated, interpolated and normalised by Compose. */
export function resolvedModel(options: Parameters<typeof compose>[1] = {}): ComposeModel {
  const result = compose(['config', '--format', 'json'], options);
  if (result.status !== 0) throw new Error(`docker-compose config failed (${result.status}):\n${result.stderr}`);
  return JSON.parse(result.stdout) as ComposeModel;
}

/** The parts of Compose's canonical JSON model that the checks read. */
export interface ComposeModel {
  name: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, { name?: string; external?: boolean }>;
}

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile?: string; target?: string };
  command?: string[] | null;
  container_name?: string;
  deploy?: { replicas?: number } | null;
  depends_on?: Record<string, { condition: string; restart?: boolean; required?: boolean }>;
  environment?: Record<string, string | null>;
  healthcheck?: { test?: string[]; interval?: string; timeout?: string; retries?: number; start_period?: string; disable?: boolean };
  ports?: { target: number; published?: string; protocol?: string }[];
  restart?: string;
  stop_grace_period?: string;
  volumes?: { type: string; source?: string; target: string }[];
  logging?: { driver?: string; options?: Record<string, string> };
  user?: string;
}
