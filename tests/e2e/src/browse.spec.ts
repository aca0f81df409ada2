import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Topology, WORKSPACE_ROOT } from '@books/stack';
import { DESKTOP, PHONE, accessibilityViolations, launchChromium, openPage, screenshot } from './support/browser';
import { eventually } from './support/eventually';

/** Browsing the 42 sample books as a reader would: paging, sorting, searching, filtering. */
let topology: Topology;
let browser: Browser;
let context: BrowserContext;
let page: Page & { problems: string[] };

interface SampleBook {
  title: string;
  author: string;
  year: number;
  read: boolean;
}
/** The books the service seeds: the expectations are computed from them, not from the API. */
const sampleBooks: SampleBook[] = JSON.parse(
  readFileSync(join(WORKSPACE_ROOT, 'apps/books-service/src/books/seed/post-apocalyptic-books.json'), 'utf8'),
);

const fold = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
const byAuthor = [...sampleBooks].sort((a, b) => fold(a.author).localeCompare(fold(b.author)) || fold(a.title).localeCompare(fold(b.title)));

beforeAll(async () => {
  [topology, browser] = await Promise.all([Topology.start({ name: 'e2e-browse', replicas: 2, webPort: 0 }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await topology?.stop();
});
beforeEach(async () => {
  context = await browser.newContext(DESKTOP);
  page = await openPage(context, topology.web!.url);
});
afterEach(async () => {
  expect(page.problems).toEqual([]);
  await context.close();
});

const titles = () => page.getByRole('table', { name: 'Books' }).getByRole('rowheader').allTextContents().then((texts) => texts.map((t) => t.trim()));
const range = () => page.locator('.pagination__range');

async function expectTitles(expected: string[]): Promise<void> {
  await eventually(titles, (shown) => expect(shown).toEqual(expected));
}

it('shows the first 8 books sorted by author, with the range out of 42', async () => {
  await expectTitles(byAuthor.slice(0, 8).map((book) => book.title));
  await eventually(() => range().textContent(), (value) => expect(value).toBe('1–8 of 42'));
  const header = page.getByRole('columnheader', { name: 'Author' });
  expect(await header.getAttribute('aria-sort')).toBe('ascending');
  await eventually(() => page.getByRole('status').filter({ hasText: 'Live' }).count(), (value) => expect(value).toBeGreaterThan(0));
  await screenshot(page, 'list-desktop');
});

it('pages forward and back, and keeps the page in the URL across reloads and history', async () => {
  await expectTitles(byAuthor.slice(0, 8).map((book) => book.title));
  await page.getByRole('button', { name: 'Next page' }).click();
  await expectTitles(byAuthor.slice(8, 16).map((book) => book.title));
  await eventually(() => range().textContent(), (value) => expect(value).toBe('9–16 of 42'));
  expect(new URL(page.url()).searchParams.get('page')).toBe('2');

  await page.reload();
  await expectTitles(byAuthor.slice(8, 16).map((book) => book.title));

  await page.getByRole('button', { name: 'Last page' }).click();
  await expectTitles(byAuthor.slice(40).map((book) => book.title));
  await eventually(() => range().textContent(), (value) => expect(value).toBe('41–42 of 42'));

  await page.goBack();
  await expectTitles(byAuthor.slice(8, 16).map((book) => book.title));
  await page.getByRole('button', { name: 'First page' }).click();
  await expectTitles(byAuthor.slice(0, 8).map((book) => book.title));

  await page.getByLabel('Books per page').selectOption('16');
  await expectTitles(byAuthor.slice(0, 16).map((book) => book.title));
  await eventually(() => range().textContent(), (value) => expect(value).toBe('1–16 of 42'));
});

it('sorts by a column when its header is clicked, and reverses on a second click', async () => {
  const byTitle = [...sampleBooks].sort((a, b) => fold(a.title).localeCompare(fold(b.title)));
  await page.getByRole('button', { name: 'Title', exact: true }).click();
  await expectTitles(byTitle.slice(0, 8).map((book) => book.title));
  expect(await page.getByRole('columnheader', { name: 'Title' }).getAttribute('aria-sort')).toBe('ascending');

  await page.getByRole('button', { name: 'Title', exact: true }).click();
  await expectTitles(byTitle.reverse().slice(0, 8).map((book) => book.title));
  expect(await page.getByRole('columnheader', { name: 'Title' }).getAttribute('aria-sort')).toBe('descending');
  expect(new URL(page.url()).searchParams.get('sort')).toBe('-title');

  await page.getByRole('button', { name: 'Year', exact: true }).click();
  const oldest = [...sampleBooks].sort((a, b) => a.year - b.year)[0];
  await eventually(async () => (await titles())[0], (value) => expect(value).toBe(oldest.title));
});

it('searches as the user types, and says so when nothing matches', async () => {
  await page.getByLabel('Search').fill('WYNDHAM');
  const wyndham = byAuthor.filter((book) => book.author.includes('Wyndham')).map((book) => book.title);
  await expectTitles(wyndham);
  expect(new URL(page.url()).searchParams.get('q')).toBe('WYNDHAM');

  await page.getByLabel('Search').fill('no such book anywhere');
  await eventually(() => page.getByRole('heading', { name: 'No books match “no such book anywhere”' }).count(), (value) => expect(value).toBe(1));
  await screenshot(page, 'list-empty-search');
  await page.getByRole('button', { name: 'Clear search' }).click();
  await expectTitles(byAuthor.slice(0, 8).map((book) => book.title));
});

it('filters read and unread books', async () => {
  const unread = byAuthor.filter((book) => !book.read);
  await page.getByLabel('Show').selectOption({ label: 'Unread' });
  await expectTitles(unread.slice(0, 8).map((book) => book.title));
  await eventually(() => range().textContent(), (value) => expect(value).toBe(`1–${Math.min(8, unread.length)} of ${unread.length}`));
  expect(new URL(page.url()).searchParams.get('read')).toBe('false');
});

it('has no serious accessibility violations', async () => {
  await expectTitles(byAuthor.slice(0, 8).map((book) => book.title));
  expect(await accessibilityViolations(page)).toEqual([]);
});

it('works on a phone-sized screen in the dark colour scheme', async () => {
  const phone = await browser.newContext({ ...PHONE, colorScheme: 'dark' });
  try {
    const small = await openPage(phone, topology.web!.url);
    await eventually(() => small.getByRole('table', { name: 'Books' }).getByRole('rowheader').count(), (value) => expect(value).toBe(8));
    // Nothing wider than the screen: no sideways scrolling to reach a control.
    expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    const background = await small.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = background.match(/\d+/g)!.map(Number);
    expect(r + g + b).toBeLessThan(3 * 80);
    expect(await accessibilityViolations(small)).toEqual([]);
    await screenshot(small, 'list-phone-dark');
    expect(small.problems).toEqual([]);
  } finally {
    await phone.close();
  }
});

it('does not move the page on a phone while the books and the live status arrive', async () => {
  const phone = await browser.newContext(PHONE);
  try {
    // Layout shifts as Chromium reports them (what Lighthouse sums up as CLS), from the first paint.
    await phone.addInitScript(() => {
      const shifts: number[] = [];
      Object.assign(window, { layoutShifts: shifts });
      new PerformanceObserver((list) => list.getEntries().forEach((entry) => shifts.push((entry as unknown as { value: number }).value))).observe({
        type: 'layout-shift',
        buffered: true,
      });
    });
    const small = await openPage(phone, topology.web!.url);
    await eventually(() => small.getByRole('table', { name: 'Books' }).getByRole('rowheader').count(), (value) => expect(value).toBe(8));
    await eventually(() => small.getByRole('status').filter({ hasText: 'Live' }).count(), (value) => expect(value).toBe(1));
    expect(await small.evaluate(() => (window as unknown as { layoutShifts: number[] }).layoutShifts)).toEqual([]);
    expect(small.problems).toEqual([]);
  } finally {
    await phone.close();
  }
});

it('serves the app with a Content-Security-Policy and long-lived caching for hashed assets', async () => {
  const response = await page.request.get(topology.web!.url);
  expect(response.headers()['content-security-policy']).toMatch(/script-src 'self'; style-src 'self' 'nonce-[0-9a-f]{32}'/);
  expect(response.headers()['cache-control']).toBe('no-cache');
  const shell = await response.text();
  const assets = [...shell.matchAll(/(?:src|href)="((?:main|chunk|styles|scripts)-[A-Za-z0-9_-]{8}\.(?:js|css))"/g)].map((match) => match[1]);
  expect(assets.length).toBeGreaterThanOrEqual(3);
  for (const asset of assets) {
    const cached = await page.request.get(`${topology.web!.url}/${asset}`);
    expect([asset, cached.headers()['cache-control']]).toEqual([asset, 'public, max-age=31536000, immutable']);
  }
  // A client-side route still gets the app shell.
  expect((await page.request.get(`${topology.web!.url}/books?page=3`)).status()).toBe(200);
});
