import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { Topology } from '@books/stack';
import { DESKTOP, PHONE, accessibilityViolations, launchChromium, openPage, screenshot } from './support/browser';
import { eventually } from './support/eventually';

/** A book's history in its panel, and an Undo of a delete that brings back the same book. */
let topology: Topology;
let browser: Browser;
let context: BrowserContext;
let page: Page & { problems: string[] };

beforeAll(async () => {
  [topology, browser] = await Promise.all([Topology.start({ name: 'e2e-history', replicas: 2, webPort: 0 }), launchChromium()]);
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

const api = (path: string) => `${topology.web!.url}/api/books${path}`;

async function bookViaApi(title: string) {
  const response = await fetch(api(''), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title, author: 'E2E Author', year: 1970, score: 5 }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; title: string; version: number };
}

/** One edit through the API, as another person would make it. */
async function editViaApi(id: string, fields: Record<string, unknown>): Promise<void> {
  const response = await fetch(api(`/${id}`), { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fields) });
  expect(response.status).toBe(200);
}

async function showOnly(target: Page, text: string): Promise<void> {
  await target.getByLabel('Search').fill(text);
  await eventually(() => target.getByRole('rowheader').allTextContents(), (titles) => expect(titles.map((t) => t.trim())).toEqual([text]));
}

const panel = (target: Page) => target.getByRole('dialog').filter({ has: target.getByRole('heading', { name: 'History', exact: true }) });
const versions = (target: Page) =>
  panel(target)
    .locator('.entry h3')
    .allTextContents()
    .then((headings) => headings.map((heading) => heading.replace(/\s+/g, ' ').trim()));

async function openHistory(target: Page, title: string): Promise<void> {
  await target.getByRole('button', { name: `History of ${title}` }).click();
  await eventually(() => panel(target).locator('.entry').count(), (count) => expect(count).toBeGreaterThan(0));
}

it('lists the versions newest first after a few edits, with what each changed', async () => {
  const book = await bookViaApi('The Drowned World');
  await editViaApi(book.id, { score: 8 });
  await editViaApi(book.id, { title: 'The Drowned World (1962)' });
  await editViaApi(book.id, { read: true, year: 1962 });

  await showOnly(page, 'The Drowned World (1962)');
  await openHistory(page, 'The Drowned World (1962)');

  expect(await versions(page)).toEqual(['Edited version 4 current', 'Edited version 3', 'Edited version 2', 'Added version 1']);
  // As a screen reader says them ("Score 5 to 8"); the arrow is for the eyes.
  const changes = (version: number) =>
    panel(page)
      .locator(`[data-version="${version}"] .changes li`)
      .evaluateAll((items) =>
        items.map((item) => {
          const clone = item.cloneNode(true) as Element;
          clone.querySelectorAll('[aria-hidden="true"]').forEach((hidden) => hidden.remove());
          return (clone.textContent ?? '').replace(/\s+/g, ' ').trim();
        }),
      );
  expect(await changes(2)).toEqual(['Score 5 to 8']);
  expect(await changes(3)).toEqual(['Title “The Drowned World” to “The Drowned World (1962)”']);
  expect(await changes(4)).toEqual(expect.arrayContaining(['Year 1970 to 1962', 'Read No to Yes']));
  expect(await panel(page).locator('[data-version="2"] .changes').textContent()).toContain('→');
  // When: relative for reading, absolute and machine-readable in the <time>.
  const time = panel(page).locator('[data-version="4"] time');
  expect(await time.getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
  expect(await time.textContent()).toMatch(/^(just now|1 minute ago) · \w{3} \d{1,2}, \d{4}, /);

  expect(await accessibilityViolations(page)).toEqual([]);
  await screenshot(page, 'history-panel-desktop');

  // Escape closes it, and the keyboard is back on the button that opened it.
  await page.keyboard.press('Escape');
  await eventually(() => panel(page).count(), (count) => expect(count).toBe(0));
  await eventually(
    () => page.evaluate(() => document.activeElement?.getAttribute('aria-label')),
    (label) => expect(label).toBe('History of The Drowned World (1962)'),
  );
});

it('reads a long history a page at a time with Show older', async () => {
  const book = await bookViaApi('Concrete Island');
  for (let score = 0; score < 24; score += 1) await editViaApi(book.id, { score: score % 11 });

  await showOnly(page, book.title);
  await openHistory(page, book.title);
  expect(await panel(page).locator('.entry').count()).toBe(20);
  expect((await versions(page))[0]).toBe('Edited version 25 current');
  expect(await panel(page).locator('.history-dialog__count').textContent()).toContain('Showing 20 of 25 versions.');

  await panel(page).getByRole('button', { name: 'Show older' }).click();
  await eventually(() => versions(page), (shown) => expect(shown).toHaveLength(25));
  expect((await versions(page)).at(-1)).toBe('Added version 1');
  expect(await panel(page).getByRole('button', { name: 'Show older' }).count()).toBe(0);
  // The keyboard is on the first version the page added.
  await eventually(() => page.evaluate(() => document.activeElement?.getAttribute('data-version')), (version) => expect(version).toBe('5'));
});

it('adds versions made while the panel is open on top, live', async () => {
  const book = await bookViaApi('High-Rise');
  await editViaApi(book.id, { score: 6 });
  await showOnly(page, book.title);
  // The page follows the live stream (checked before the modal panel hides the page from queries).
  await eventually(() => page.getByRole('status').filter({ hasText: 'Live' }).count(), (count) => expect(count).toBeGreaterThan(0));
  await openHistory(page, book.title);
  expect(await versions(page)).toEqual(['Edited version 2 current', 'Added version 1']);

  // Someone else edits the book meanwhile.
  await editViaApi(book.id, { score: 3 });

  await eventually(() => versions(page), (shown) => expect(shown).toEqual(['Edited version 3 current', 'Edited version 2', 'Added version 1']));
});

it('undoes a delete by bringing back the same book: same id, its version continuing', async () => {
  const book = await bookViaApi('The Crystal World');
  await editViaApi(book.id, { score: 9 });
  await showOnly(page, book.title);

  await page.getByRole('button', { name: `Delete ${book.title}` }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await eventually(() => page.getByRole('heading', { name: `No books match “${book.title}”` }).count(), (count) => expect(count).toBe(1));
  expect((await fetch(api(`/${book.id}`))).status).toBe(404);

  await page.getByRole('button', { name: 'Undo' }).click();
  await eventually(() => page.getByRole('status').filter({ hasText: `Restored “${book.title}”.` }).count(), (count) => expect(count).toBe(1));
  await eventually(() => page.getByRole('rowheader').allTextContents(), (titles) => expect(titles.map((t) => t.trim())).toEqual([book.title]));

  // The same book at the URL it always had: created at 1, edited at 2, deleted at 3, back at 4.
  const restored = await fetch(api(`/${book.id}`));
  expect(restored.status).toBe(200);
  expect(await restored.json()).toMatchObject({ id: book.id, title: book.title, score: 9, version: 4 });
  const search = await (await fetch(api(`?q=${encodeURIComponent(book.title)}`))).json();
  expect(search.items.map((item: { id: string }) => item.id)).toEqual([book.id]);

  await openHistory(page, book.title);
  expect(await versions(page)).toEqual(['Restored version 4 current', 'Deleted version 3', 'Edited version 2', 'Added version 1']);
});

it('shows the panel in light and dark, on a desktop and on a phone', async () => {
  const book = await bookViaApi('The Burning World');
  await editViaApi(book.id, { score: 7 });
  await editViaApi(book.id, { title: 'The Drought' });
  await editViaApi(book.id, { year: 1965, read: true });

  const views: [string, BrowserContextOptions][] = [
    ['history-panel-desktop-dark', { ...DESKTOP, colorScheme: 'dark' }],
    ['history-panel-phone', { ...PHONE, colorScheme: 'light' }],
    ['history-panel-phone-dark', { ...PHONE, colorScheme: 'dark' }],
  ];
  for (const [name, options] of views) {
    const other = await browser.newContext(options);
    try {
      const view = await openPage(other, topology.web!.url);
      await showOnly(view, 'The Drought');
      await openHistory(view, 'The Drought');
      expect((await versions(view))[0]).toBe('Edited version 4 current');
      expect(await view.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(options.viewport!.width);
      expect(await accessibilityViolations(view)).toEqual([]);
      await screenshot(view, name);
      expect(view.problems).toEqual([]);
    } finally {
      await other.close();
    }
  }
});
