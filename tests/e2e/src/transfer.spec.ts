import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Topology } from '@books/stack';
import { DESKTOP, accessibilityViolations, launchChromium, openPage, screenshot } from './support/browser';
import { eventually } from './support/eventually';

/** Importing a file and exporting the catalogue from the browser, through Nginx to the API. */
let topology: Topology;
let browser: Browser;
let context: BrowserContext;
let page: Page & { problems: string[] };

beforeAll(async () => {
  [topology, browser] = await Promise.all([Topology.start({ name: 'e2e-transfer', replicas: 2, webPort: 0 }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await topology?.stop();
});
beforeEach(async () => {
  context = await browser.newContext({ ...DESKTOP, acceptDownloads: true });
  page = await openPage(context, topology.web!.url);
});
afterEach(async () => {
  expect(page.problems).toEqual([]);
  await context.close();
});

/** Large enough that Nginx keeps it on disk before handing it on, as it does with real files. */
function csvFile(): string {
  const rows = Array.from({ length: 3_000 }, (_, i) => `Imported Volume ${i},Ana Ñúñez,${1900 + (i % 120)},${i % 11},false`);
  return ['title,author,year,score,read', ...rows, ',Missing Title,2000,5,false', 'Bad Score,Someone,2001,42,true'].join('\n');
}

it('imports a CSV file with a progress panel, then reports what it added and every rejected line', async () => {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import' }).click();
  await (await chooser).setFiles({ name: 'books.csv', mimeType: 'text/csv', buffer: Buffer.from(csvFile()) });

  const dialog = page.getByRole('dialog', { name: 'Import finished' });
  await dialog.waitFor({ timeout: 60_000 });
  await eventually(() => dialog.locator('.count').allTextContents(), (tiles) => expect(tiles.join(' ')).toMatch(/Added\s*3,000/));
  const rows = dialog.getByRole('region', { name: 'Rejected records' }).locator('tbody tr');
  expect(await rows.count()).toBe(2);
  expect((await rows.nth(0).textContent())?.replace(/\s+/g, ' ')).toContain('Title is required');
  expect((await rows.nth(1).textContent())?.replace(/\s+/g, ' ')).toContain('Score must be at most 10');
  expect(await accessibilityViolations(page)).toEqual([]);
  await screenshot(page, 'import-report');
  await page.keyboard.press('Escape');

  await page.getByLabel('Search').fill('volume 2999 nunez');
  await eventually(
    () => page.getByRole('table', { name: 'Books' }).getByRole('rowheader').allTextContents(),
    (titles) => expect(titles.map((title) => title.trim())).toEqual(['Imported Volume 2999']),
  );
});

it('exports the catalogue as a CSV download that names every book', async () => {
  await page.getByRole('button', { name: 'Export' }).click();
  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: /CSV/ }).click();
  const file = await (await download).createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of file) chunks.push(chunk as Buffer);
  const lines = Buffer.concat(chunks).toString('utf8').trim().split('\n');
  expect(lines[0]).toBe('id,title,author,year,score,read,version,createdAt,updatedAt');
  const total = (await (await fetch(`${topology.web!.url}/api/books?limit=1`)).json()).total;
  expect(lines).toHaveLength(total + 1);
  expect((await download).suggestedFilename()).toMatch(/^books-\d{4}-\d\d-\d\d\.csv$/);
});
