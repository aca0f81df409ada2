import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTIFACTS_DIR, checkNginxConfig, freePort, httpOk, ManagedProcess, NGINX_SETTINGS, renderTemplate, writeNginxConfig } from '@books/stack';
import { last, stageEnv } from './support/dockerfile';
import { imageFor, REPO, stagesOf } from './support/paths';

/**
 * deploy/nginx/default.conf.template as the web image runs it: rendered by the official
 * image's entrypoint logic (20-envsubst-on-templates.sh: envsubst over the variables that
 * NGINX_ENVSUBST_FILTER lets through) with the values the web Dockerfile sets, placed in a
 * copy of the image's nginx.conf, then checked by Debian's `nginx -t` and served for real.
 */
const TEMPLATE = join(REPO, 'deploy', 'nginx', 'default.conf.template');
const runtime = stagesOf(imageFor('web')).at(-1)!;
const imageEnv = stageEnv(runtime);
const template = readFileSync(TEMPLATE, 'utf8');
const templateNames = [...new Set([...template.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]))].sort();

let dir: string;
let values: Record<string, string>;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'deploy-checks-nginx-'));
  mkdirSync(join(dir, 'snippets'));
  copyFileSync(join(REPO, 'deploy', 'nginx', 'security-headers.conf'), join(dir, 'snippets', 'security-headers.conf'));
  values = {
    ...imageEnv,
    // In Compose `gateway` is the gateway service; here it resolves to nothing, and Nginx
    // resolves upstream names while it reads the config (nginx -t too). A local stand-in:
    GATEWAY_ADDRESS: '127.0.0.1:3000',
    SECOND_GATEWAY_ADDRESS: '127.0.0.1:3001',
    // The image copies these to /etc/nginx/snippets and /usr/share/nginx/web; here they are:
    NGINX_SNIPPETS: join(dir, 'snippets'),
    WEB_ROOT: join(REPO, 'dist', 'apps', 'web', 'browser'),
  };
});
afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

/** The official image's rendering, run with this machine's sh, awk and envsubst. */
function renderLikeImage(env: Record<string, string>): string {
  const script = [
    'filter="${NGINX_ENVSUBST_FILTER:-}"',
    `defined_envs=$(printf '\${%s} ' $(awk "END { for (name in ENVIRON) { print ( name ~ /\${filter}/ ) ? name : \\"\\" } }" < /dev/null ))`,
    'envsubst "$defined_envs" < "$1"',
  ].join('\n');
  // The base image's own environment comes along, as it would in the container.
  const containerEnv = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/', HOSTNAME: 'books-web-1', NGINX_VERSION: '1.30.4', PKG_RELEASE: '1', ...env };
  const result = spawnSync('sh', ['-c', script, 'render', TEMPLATE], { encoding: 'utf8', env: containerEnv });
  if (result.status !== 0) throw new Error(`rendering failed: ${result.stderr}`);
  return result.stdout;
}

const IMAGE_NGINX_CONF = readFileSync(join(REPO, 'deploy', 'nginx', 'nginx.conf'), 'utf8');

/**
 * The image's nginx.conf (deploy/nginx/nginx.conf, which the web image copies over the base
 * image's), with its container paths moved into `prefix`.
 */
function writeImageFrame(prefix: string, server: string): string {
  mkdirSync(join(prefix, 'conf.d'), { recursive: true });
  writeFileSync(join(prefix, 'conf.d', 'default.conf'), server);
  const file = join(prefix, 'nginx.conf');
  writeFileSync(
    file,
    IMAGE_NGINX_CONF.replace(/\/etc\/nginx\/conf\.d\/|\/var\/log\/nginx\/|\/tmp\//g, (path) => (path.includes('conf.d') ? `${prefix}/conf.d/` : `${prefix}/`)),
  );
  return file;
}

/** The directives that size the workers, as `name value` lines. */
const workerSizing = (config: string) => [...config.matchAll(/\b(worker_\w+)\s+([^;]+);/g)].map((match) => `${match[1]} ${match[2]}`).sort();

it('uses exactly the variables the web image sets, and its envsubst filter passes only those', () => {
  expect(templateNames).toEqual(['EVENT_STREAMS_PER_CLIENT', 'GATEWAY_ADDRESS', 'IDENTITY_ORIGIN', 'NGINX_LISTEN', 'NGINX_SNIPPETS', 'SECOND_GATEWAY_ADDRESS', 'SERVER_NAMES', 'WEB_ROOT']);
  // Local runs use the image's defaults for the settings.
  for (const [name, value] of Object.entries(NGINX_SETTINGS)) expect([name, imageEnv[name]]).toEqual([name, value]);
  const filter = new RegExp(imageEnv['NGINX_ENVSUBST_FILTER']);
  for (const name of templateNames) {
    expect([name, imageEnv[name]]).toEqual([name, expect.any(String)]);
    expect([name, filter.test(name)]).toEqual([name, true]);
  }
  for (const other of ['PATH', 'HOME', 'HOSTNAME', 'NGINX_VERSION', 'NGINX_LISTEN_EXTRA']) expect([other, filter.test(other)]).toEqual([other, false]);
  // envsubst also replaces the bare $NAME form, which the shared renderer does not: keep it out.
  expect(template).not.toMatch(new RegExp(`\\$(${templateNames.join('|')})\\b`));
});

it("renders as the shared renderer does, keeping Nginx's own variables", () => {
  const rendered = renderLikeImage(values);
  expect(rendered).toBe(renderTemplate(template, values));
  expect(rendered).not.toMatch(/\$\{\w+\}/);
  for (const variable of ['$host', '$request_id', '$http_x_request_id', '$uri', '$remote_addr']) expect(rendered).toContain(variable);
  expect(rendered).toContain('listen 8080;');
});

it('sizes the workers of local runs as the image does, and bounds slow clients', () => {
  const local = writeNginxConfig({ prefix: join(dir, 'local'), gatewayAddress: '127.0.0.1:3000', webRoot: values['WEB_ROOT'], listen: '127.0.0.1:8080' });
  expect(workerSizing(readFileSync(local, 'utf8'))).toEqual(workerSizing(IMAGE_NGINX_CONF));
  expect(workerSizing(IMAGE_NGINX_CONF)).toEqual(['worker_connections 8192', 'worker_processes auto', 'worker_rlimit_nofile 16384']);
  const rendered = renderLikeImage(values);
  expect(rendered).toMatch(/^\s*client_header_timeout 10s;/m);
  expect(rendered).toMatch(/^\s*client_body_timeout 10s;/m);
  expect(rendered).toMatch(/^\s*limit_conn books_event_streams 32;/m);
});

it('passes nginx -t with the values of the web image', () => {
  const prefix = join(dir, 'check');
  const file = writeImageFrame(prefix, renderLikeImage(values));
  expect(() => checkNginxConfig(file, prefix)).not.toThrow();
});

describe('served', () => {
  let nginx: ManagedProcess;
  let base: string;
  let listen: string;

  beforeAll(async () => {
    expect(existsSync(join(values['WEB_ROOT'], 'index.html'))).toBe(true);
    const port = await freePort();
    listen = `127.0.0.1:${port}`;
    // The gateway stand-in's port has nothing on it: a gateway that is down.
    const prefix = join(dir, 'serve');
    const file = writeImageFrame(prefix, renderLikeImage({ ...values, NGINX_LISTEN: listen, GATEWAY_ADDRESS: `127.0.0.1:${await freePort()}`, SECOND_GATEWAY_ADDRESS: `127.0.0.1:${await freePort()}` }));
    base = `http://${listen}`;
    nginx = new ManagedProcess({
      name: 'nginx-web-image',
      command: ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path)) ?? 'nginx',
      args: ['-p', prefix, '-c', file, '-g', 'daemon off;'],
      logFile: join(ARTIFACTS_DIR, 'logs', 'deploy-checks', 'nginx.log'),
      ready: () => httpOk(`${base}/index.html`),
    });
    await nginx.start();
  });
  afterAll(() => nginx?.stop());

  it('serves the app shell with its security headers', async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await response.text()).toMatch(/<html/i);
  });

  it('answers /api with a 503 problem while the gateway is down', async () => {
    const response = await fetch(`${base}/api/books`);
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect((await response.json()).status).toBe(503);
  });

  it("passes the image's own HEALTHCHECK command, which fails when Nginx is not there", () => {
    const command = last(runtime, 'HEALTHCHECK')!.args.replace(/^CMD\s+/, '');
    const run = (nginxListen: string) => spawnSync('sh', ['-c', command], { env: { PATH: process.env['PATH'], NGINX_LISTEN: nginxListen }, timeout: 10_000 }).status;
    expect(run(listen)).toBe(0);
    expect(run('127.0.0.1:1')).not.toBe(0);
  });
});
