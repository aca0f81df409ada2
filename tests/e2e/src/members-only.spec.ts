import type { Browser, BrowserContext } from 'playwright-core';
import { type IdentityServer, Topology } from '@books/stack';
import { DESKTOP, launchChromium, openPage, screenshot } from './support/browser';
import { eventually } from './support/eventually';

/**
 * A catalogue closed to visitors (READS_REQUIRE_SIGN_IN=true): the app asks people to sign in
 * before it reads anything, and once they have, the list and its live stream work with their
 * token (the stream over fetch, since a browser's EventSource cannot send one).
 */
let topology: Topology;
let identity: IdentityServer;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  [topology, browser] = await Promise.all([
    Topology.start({ name: 'e2e-members-only', replicas: 1, webPort: 0, identity: true, gatewayEnv: { RATE_LIMIT_MAX: '0', READS_REQUIRE_SIGN_IN: 'true' } }),
    launchChromium(),
  ]);
  identity = topology.identity!;
});
afterAll(async () => {
  await browser?.close();
  await topology?.stop();
});
beforeEach(async () => {
  context = await browser.newContext(DESKTOP);
});
afterEach(() => context.close());

/** A token for the sample program (client credentials), to change a book behind the reader's back. */
async function programToken(): Promise<string> {
  const { client_id, client_secret } = identity.clients['books-cli'];
  const response = await fetch(`${identity.issuer}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${client_id}:${client_secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

it('asks a visitor to sign in first, then shows the list and follows changes live', async () => {
  const page = await openPage(context, topology.web!.url);
  await eventually(() => page.getByRole('heading', { name: 'Sign in to see the catalogue' }).count(), (n) => expect(n).toBe(1));
  expect(await page.getByRole('table', { name: 'Books' }).count()).toBe(0);
  await screenshot(page, 'members-only-visitor');

  await page.getByRole('main').getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.origin === identity.url);
  await page.getByLabel('Username').fill('reader');
  await page.getByLabel('Password').fill(identity.users.reader.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => url.origin === topology.web!.url);
  await eventually(() => page.getByRole('table', { name: 'Books' }).getByRole('rowheader').count(), (rows) => expect(rows).toBeGreaterThan(0));
  await eventually(() => page.getByRole('status').filter({ hasText: 'Live' }).count(), (n) => expect(n).toBeGreaterThan(0));

  // A program adds a book; the reader's list, searched for it, shows it without a reload.
  await page.getByLabel('Search').fill('Arrived Live');
  await eventually(() => page.getByText(/No books match/).count(), (n) => expect(n).toBeGreaterThan(0));
  const created = await fetch(`${topology.web!.url}/api/books`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await programToken()}`, 'content-type': 'application/json' },
    body: JSON.stringify({ title: 'Arrived Live', author: 'A Program' }),
  });
  expect(created.status).toBe(201);
  await eventually(() => page.getByRole('rowheader').allTextContents(), (titles) => expect(titles.map((t) => t.trim())).toEqual(['Arrived Live']));
  expect(page.problems).toEqual([]);
});
