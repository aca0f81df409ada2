import { join } from 'node:path';
import { Topology, startGateway } from '@books/stack';
import { apiClient } from './support/http';

/** Rate limits, security headers and CORS, as a client meets them. */
let topology: Topology;
const api = apiClient(() => topology.baseUrl);

beforeAll(async () => {
  topology = await Topology.start({
    name: 'security',
    replicas: 1,
    // A small limit, so the test reaches it quickly; the default is 1200 a minute.
    gatewayEnv: { RATE_LIMIT_MAX: '30', RATE_LIMIT_WINDOW_MS: '60000', CORS_ORIGINS: 'http://localhost:4200' },
  });
});
afterAll(() => topology?.stop());

it('sends security headers with API responses, and no HTTPS-only ones over HTTP', async () => {
  const { headers } = await api('/books?limit=1');
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('x-frame-options')).toBe('DENY');
  expect(headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
  expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  expect(headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
  expect(headers.get('strict-transport-security')).toBeNull();
  expect(headers.get('x-powered-by')).toBeNull();
});

it('sends HSTS and upgrade-insecure-requests when the site is public over HTTPS', async () => {
  const gateway = await startGateway({ natsUrl: topology.natsUrl, logDir: join(topology.logDir, 'public-https'), env: { ...topology.natsEnv('gateway'), PUBLIC_HTTPS: 'true' } });
  try {
    const { headers } = await fetch(`${gateway.url}/api/health/live`);
    expect(headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
  } finally {
    await gateway.process.stop();
  }
});

it('allows cross-origin calls only from the configured origins', async () => {
  const allowed = await api('/books?limit=1', { headers: { origin: 'http://localhost:4200' } });
  expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:4200');
  const other = await api('/books?limit=1', { headers: { origin: 'https://evil.example' } });
  expect(other.headers.get('access-control-allow-origin')).toBeNull();
  const preflight = await fetch(`${topology.baseUrl}/books/x`, {
    method: 'OPTIONS',
    headers: { origin: 'http://localhost:4200', 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'if-match' },
  });
  expect(preflight.status).toBe(204);
  expect(preflight.headers.get('access-control-allow-headers')).toContain('if-match');
});

it('answers 429 with Retry-After past the limit, per client, and never limits health probes', async () => {
  const statuses: number[] = [];
  let limited;
  for (let i = 0; i < 40 && !limited; i++) {
    const response = await api('/books?limit=1');
    statuses.push(response.status);
    if (response.status === 429) limited = response;
  }
  expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(25);
  expect(limited!.headers.get('retry-after')).toMatch(/^\d+$/);
  expect(limited!.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
  expect(limited!.body).toMatchObject({ status: 429, type: 'urn:books-catalogue:problem:too-many-requests' });
  expect((await api('/health/ready')).status).toBe(200);
  // Another client, as Nginx reports it, has its own allowance.
  expect((await api('/books?limit=1', { headers: { 'x-forwarded-for': '10.1.2.3' } })).status).toBe(200);
});
