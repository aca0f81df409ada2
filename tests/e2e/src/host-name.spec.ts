import type { Browser, BrowserContext } from 'playwright-core';
import { Topology } from '@books/stack';
import { DESKTOP, launchChromium, openPage } from './support/browser';
import { eventually } from './support/eventually';

/**
 * The site under a host name other than localhost, over plain HTTP, as a LAN or staging
 * deployment is reached. Chromium treats localhost as secure, so only another name shows
 * what HTTPS-only headers do: upgrade-insecure-requests sent every asset of /api/docs to an
 * https:// address that nothing answers (a blank page).
 */
const HOST = 'books.test';
let topology: Topology;
let browser: Browser;
let context: BrowserContext;
let base: string;
let failed: string[];

/**
 * Chromium notes that it ignores Cross-Origin-Opener-Policy on an untrustworthy (plain HTTP,
 * not localhost) origin. The header is kept: it costs nothing here and protects over HTTPS.
 */
const pageProblems = (problems: string[]) => problems.filter((problem) => !problem.includes('Cross-Origin-Opener-Policy header has been ignored'));

beforeAll(async () => {
  [topology, browser] = await Promise.all([
    // The site answers only the names it is given (any other Host gets 421).
    Topology.start({ name: 'e2e-host-name', replicas: 1, webPort: 0, webSettings: { SERVER_NAMES: HOST } }),
    launchChromium([`--host-resolver-rules=MAP ${HOST} 127.0.0.1`]),
  ]);
  base = `http://${HOST}:${topology.web!.port}`;
});
afterAll(async () => {
  await browser?.close();
  await topology?.stop();
});
beforeEach(async () => {
  context = await browser.newContext(DESKTOP);
  failed = [];
  context.on('requestfailed', (request) => failed.push(`${request.url()}: ${request.failure()?.errorText}`));
  context.on('request', (request) => {
    if (!request.url().startsWith(base)) failed.push(`left the site: ${request.url()}`);
  });
});
afterEach(() => context.close());

it('serves the app under another host name over HTTP', async () => {
  const page = await openPage(context, `${base}/`);
  await eventually(
    () => page.getByRole('table', { name: 'Books' }).getByRole('rowheader').count(),
    (rows) => expect(rows).toBeGreaterThan(0),
  );
  expect(pageProblems(page.problems)).toEqual([]);
  expect(failed).toEqual([]);
});

it('loads the API docs under another host name over HTTP', async () => {
  const page = await openPage(context, `${base}/api/docs`);
  await eventually(
    () => page.locator('.swagger-ui .info .title').textContent(),
    (title) => expect(title).toContain('Books catalogue API'),
  );
  await eventually(
    () => page.locator('.swagger-ui .opblock').count(),
    (operations) => expect(operations).toBeGreaterThan(0),
  );
  expect(pageProblems(page.problems)).toEqual([]);
  expect(failed).toEqual([]);
});
