import { join } from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { Topology } from '@books/stack';
import { SCREENSHOTS_DIR, accessibilityViolations, launchChromium, openPage, screenshot } from './support/browser';
import { eventually } from './support/eventually';

/**
 * The list at its edges: long words, sticky header and toolbar (floating Search and Add on
 * phones), stable column widths, marking read in place, showing a book just added, links to one
 * book, empty states and shortcuts.
 */
let topology: Topology;
let browser: Browser;
const contexts: BrowserContext[] = [];

const LAPTOP: BrowserContextOptions = { viewport: { width: 1280, height: 800 } };
const PHONE: BrowserContextOptions = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
/** 70 characters, one word: German makes them, and a table must not let them push it wide. */
const COMPOUND = 'Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetzentwurf';

beforeAll(async () => {
  [topology, browser] = await Promise.all([Topology.start({ name: 'e2e-list', replicas: 1, webPort: 0 }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await topology?.stop();
});
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((context) => context.close()));
});

async function open(options: BrowserContextOptions, path = '/'): Promise<Page & { problems: string[] }> {
  const context = await browser.newContext(options);
  contexts.push(context);
  return openPage(context, `${topology.web!.url}${path}`);
}

async function bookViaApi(title: string, fields: Record<string, unknown> = {}) {
  const response = await fetch(`${topology.web!.url}/api/books`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title, author: 'E2E Author', year: 1970, score: 5, read: false, ...fields }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; title: string; version: number; read: boolean };
}

async function bookFromApi(id: string) {
  return (await (await fetch(`${topology.web!.url}/api/books/${id}`)).json()) as { read: boolean; version: number };
}

const titles = (page: Page) =>
  page
    .getByRole('table', { name: 'Books' })
    .getByRole('rowheader')
    .allTextContents()
    .then((texts) => texts.map((text) => text.trim()));

async function rowsShown(page: Page, count = 1): Promise<void> {
  await eventually(() => titles(page), (shown) => expect(shown.length).toBeGreaterThanOrEqual(count));
}

const noSidewaysScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth);

it('wraps a 70-character word, keeping Edit and Delete on screen, at 1280 × 800 and 390 × 844', async () => {
  await bookViaApi(COMPOUND, { author: `${COMPOUND}sverband` });
  for (const [name, options] of [
    ['desktop-light', { ...LAPTOP, colorScheme: 'light' as const }],
    ['desktop-dark', { ...LAPTOP, colorScheme: 'dark' as const }],
    ['phone-light', { ...PHONE, colorScheme: 'light' as const }],
    ['phone-dark', { ...PHONE, colorScheme: 'dark' as const }],
  ] as const) {
    const page = await open(options, `/?q=${COMPOUND}`);
    await eventually(() => titles(page), (shown) => expect(shown).toEqual([COMPOUND]));

    expect([name, await noSidewaysScroll(page)]).toEqual([name, true]);
    const width = options.viewport!.width;
    for (const label of [`Edit ${COMPOUND}`, `Delete ${COMPOUND}`]) {
      const box = await page.getByRole('button', { name: label }).boundingBox();
      expect([name, label, box!.x >= 0 && box!.x + box!.width <= width]).toEqual([name, label, true]);
      expect(box!.height).toBeGreaterThanOrEqual(44);
    }
    // The whole title is there for whoever needs it, even when the cell cuts it.
    expect(await page.getByRole('link', { name: COMPOUND }).getAttribute('title')).toBe(COMPOUND);
    expect(await accessibilityViolations(page)).toEqual([]);
    await screenshot(page, `list-long-word-${name}`);
    expect(page.problems).toEqual([]);
  }
});

it('keeps a 200-character search inside the empty state, which names every filter', async () => {
  const search = `${COMPOUND}${COMPOUND}${COMPOUND}`.slice(0, 200);
  for (const [name, options] of [
    ['desktop', LAPTOP],
    ['phone', PHONE],
  ] as const) {
    const page = await open(options, '/?read=false');
    await rowsShown(page);
    await page.getByLabel('Search').fill(search);
    const heading = page.getByRole('heading', { name: `No unread books match “${search}”` });
    await eventually(() => heading.count(), (count) => expect(count).toBe(1));
    expect([name, await noSidewaysScroll(page)]).toEqual([name, true]);
    const state = await page.locator('.state').boundingBox();
    const title = await heading.boundingBox();
    expect(title!.x + title!.width).toBeLessThanOrEqual(state!.x + state!.width);
    await screenshot(page, `list-empty-filters-${name}`);

    await page.getByRole('button', { name: 'Show all books' }).click();
    await eventually(() => page.getByRole('heading', { name: `No books match “${search}”` }).count(), (count) => expect(count).toBe(1));
    expect(page.problems).toEqual([]);
  }
});

it('keeps the toolbar and the table header on screen while the rows scroll', async () => {
  const page = await open(LAPTOP, '/?size=32');
  await rowsShown(page, 32);

  await page.mouse.wheel(0, 900);
  await eventually(() => page.evaluate(() => window.scrollY), (y) => expect(y).toBeGreaterThan(500));

  const add = await page.getByRole('button', { name: 'Add book' }).boundingBox();
  const search = await page.getByLabel('Search').boundingBox();
  const header = await page.getByRole('columnheader', { name: 'Title' }).boundingBox();
  expect(add!.y).toBeGreaterThanOrEqual(0);
  expect(search!.y).toBeGreaterThanOrEqual(0);
  // Right under the toolbar, not scrolled away and not under it.
  expect(header!.y).toBeGreaterThanOrEqual(search!.y + search!.height);
  expect(header!.y).toBeLessThan(200);
  const topmost = await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.closest('th')?.textContent?.trim(), {
    x: header!.x + 20,
    y: header!.y + header!.height / 2,
  });
  expect(topmost).toMatch(/^Title/);
  await page.screenshot({ path: join(SCREENSHOTS_DIR, 'list-sticky-desktop.png') });

  // On a phone the toolbar stays within reach too.
  const phone = await open(PHONE, '/?size=32');
  await rowsShown(phone, 32);
  await phone.mouse.wheel(0, 2000);
  await eventually(() => phone.evaluate(() => window.scrollY), (y) => expect(y).toBeGreaterThan(1000));
  const phoneAdd = await phone.getByRole('button', { name: 'Add book' }).boundingBox();
  expect(phoneAdd!.y).toBeGreaterThanOrEqual(0);
  expect(phoneAdd!.y + phoneAdd!.height).toBeLessThanOrEqual(844);
  await phone.screenshot({ path: join(SCREENSHOTS_DIR, 'list-sticky-phone.png') });
  expect([...page.problems, ...phone.problems]).toEqual([]);
});

it('floats Search beside Add on a phone, bringing the search field back to type in', async () => {
  const book = await bookViaApi('The Floating Finder');
  const page = await open(PHONE, '/?size=32');
  await rowsShown(page, 32);
  const floatingSearch = page.getByRole('button', { name: 'Search', exact: true });
  // At the top the field itself is in sight: nothing floats.
  expect(await floatingSearch.isVisible()).toBe(false);

  await page.mouse.wheel(0, 2000);
  await eventually(() => page.evaluate(() => window.scrollY), (y) => expect(y).toBeGreaterThan(1000));
  await eventually(() => floatingSearch.isVisible(), (visible) => expect(visible).toBe(true));
  const searchBox = (await floatingSearch.boundingBox())!;
  const addBox = (await page.getByRole('button', { name: 'Add book' }).boundingBox())!;
  expect(searchBox.height).toBeGreaterThanOrEqual(44);
  expect(searchBox.width).toBeGreaterThanOrEqual(44);
  expect(searchBox.y + searchBox.height).toBeLessThanOrEqual(844);
  // Beside Add, not over it.
  expect(searchBox.x + searchBox.width).toBeLessThanOrEqual(addBox.x);
  expect(Math.abs(searchBox.y - addBox.y)).toBeLessThan(2);
  expect(await accessibilityViolations(page)).toEqual([]);
  await page.screenshot({ path: join(SCREENSHOTS_DIR, 'list-floating-search-phone.png') });

  await floatingSearch.click();
  const search = page.getByLabel('Search');
  await eventually(() => page.evaluate(() => document.activeElement?.id), (id) => expect(id).toBe('book-search'));
  await eventually(() => search.boundingBox(), (box) => {
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height).toBeLessThanOrEqual(844);
  });
  await page.keyboard.type(book.title);
  await eventually(() => titles(page), (shown) => expect(shown).toEqual([book.title]));
  expect(page.problems).toEqual([]);
});

it('keeps column widths and the layout still across pages and sorts (no layout shift)', async () => {
  const context = await browser.newContext(LAPTOP);
  contexts.push(context);
  await context.addInitScript(() => {
    // Every shift, even those CLS forgives for following a click: a slow answer gets no such pass.
    const shifts: string[] = [];
    Object.assign(window, { layoutShifts: shifts });
    new PerformanceObserver((list) =>
      list.getEntries().forEach((entry) => {
        const shift = entry as unknown as { value: number; sources: { node?: Node }[] };
        const nodes = shift.sources.map((source) => (source.node as Element | undefined)?.className ?? source.node?.nodeName);
        shifts.push(`${shift.value.toFixed(4)} ${nodes.join(',')}`);
      }),
    ).observe({ type: 'layout-shift', buffered: true });
  });
  const page = await openPage(context, topology.web!.url);
  await rowsShown(page, 8);
  const widths = () => page.getByRole('columnheader').evaluateAll((cells) => cells.map((cell) => Math.round(cell.getBoundingClientRect().width)));
  const before = await widths();

  for (const action of [
    () => page.getByRole('button', { name: 'Next page' }).click(),
    () => page.getByRole('button', { name: 'Title', exact: true }).click(),
    () => page.getByRole('button', { name: 'Year', exact: true }).click(),
    () => page.getByRole('button', { name: 'Last page' }).click(),
  ]) {
    const first = (await titles(page))[0];
    await action();
    await eventually(() => titles(page), (shown) => expect(shown[0]).not.toBe(first));
    expect(await widths()).toEqual(before);
  }
  expect(await page.evaluate(() => (window as unknown as { layoutShifts: string[] }).layoutShifts)).toEqual([]);
  expect(page.problems).toEqual([]);
});

it('marks a book read, and unread again, from its row', async () => {
  const book = await bookViaApi('The Unread Almanac');
  const page = await open(LAPTOP, `/?q=${encodeURIComponent(book.title)}`);
  await eventually(() => titles(page), (shown) => expect(shown).toEqual([book.title]));
  const toggle = page.getByRole('checkbox', { name: `Read: ${book.title}` });
  expect(await toggle.isChecked()).toBe(false);

  await toggle.click();
  await eventually(() => bookFromApi(book.id), (saved) => expect(saved).toMatchObject({ read: true, version: book.version + 1 }));
  expect(await toggle.isChecked()).toBe(true);
  await eventually(() => page.getByRole('status').filter({ hasText: `Marked “${book.title}” as read.` }).count(), (count) => expect(count).toBe(1));
  await screenshot(page, 'list-marked-read-desktop');

  // Keyboard too: Space on the focused box.
  await toggle.focus();
  await page.keyboard.press('Space');
  await eventually(() => bookFromApi(book.id), (saved) => expect(saved).toMatchObject({ read: false, version: book.version + 2 }));
  expect(await toggle.isChecked()).toBe(false);
  expect(page.problems).toEqual([]);
});

it('shows a book just added from page 3: "n" opens the dialog, Show goes to it', async () => {
  const page = await open(LAPTOP, '/?page=3');
  await rowsShown(page);
  await page.keyboard.press('n');
  const dialog = page.getByRole('dialog');
  await eventually(() => dialog.getByRole('heading', { name: 'Add book' }).count(), (count) => expect(count).toBe(1));
  // Typing an "n" in the form is text, not a second dialog.
  await page.getByLabel('Title').pressSequentially('Anathem, new');
  await page.getByLabel('Author').fill('Neal Stephenson');
  expect(await page.getByLabel('Title').inputValue()).toBe('Anathem, new');
  await dialog.getByRole('button', { name: 'Save' }).click();

  const show = page.getByRole('status').getByRole('button', { name: 'Show' });
  await eventually(() => show.count(), (count) => expect(count).toBe(1));
  await show.click();

  await eventually(() => titles(page), (shown) => expect(shown[0]).toBe('Anathem, new'));
  expect(new URL(page.url()).searchParams.get('sort')).toBe('-createdAt');
  await eventually(() => page.evaluate(() => document.activeElement?.textContent?.trim()), (text) => expect(text).toBe('Anathem, new'));
  expect(await page.getByRole('row').filter({ hasText: 'Anathem, new' }).getAttribute('class')).toContain('is-highlighted');
  await screenshot(page, 'list-added-shown-desktop');
  expect(page.problems).toEqual([]);
});

it('focuses the search on "/", but not while typing in a field', async () => {
  const page = await open(LAPTOP);
  await rowsShown(page);

  await page.keyboard.press('/');
  await eventually(() => page.evaluate(() => document.activeElement?.id), (id) => expect(id).toBe('book-search'));
  await page.keyboard.type('a/n');
  expect(await page.getByLabel('Search').inputValue()).toBe('a/n');
  expect(await page.getByRole('dialog').count()).toBe(0);

  await page.getByLabel('Books per page').focus();
  await page.keyboard.press('/');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('book-page-size');
  expect(await page.locator('.shortcuts').textContent()).toContain('search');
  expect(page.problems).toEqual([]);
});

it('links each title to the book’s own page, which can be opened directly', async () => {
  const book = await bookViaApi('The Linked Chronicle', { author: 'Ada Linkwell', year: 1999, score: 9, read: true });
  const page = await open(LAPTOP, `/?q=${encodeURIComponent(book.title)}`);
  await eventually(() => titles(page), (shown) => expect(shown).toEqual([book.title]));

  await page.getByRole('link', { name: book.title }).click();
  await eventually(() => page.getByRole('heading', { name: book.title }).count(), (count) => expect(count).toBe(1));
  expect(new URL(page.url()).pathname).toBe(`/books/${book.id}`);
  expect(await page.locator('dl').textContent()).toContain('Ada Linkwell');
  expect(await page.title()).toBe(`${book.title} – Books catalogue`);

  // A shared link: a fresh page straight at the book.
  const shared = await open({ ...PHONE, colorScheme: 'dark' }, `/books/${book.id}`);
  await eventually(() => shared.getByRole('heading', { name: book.title }).count(), (count) => expect(count).toBe(1));
  expect(await accessibilityViolations(shared)).toEqual([]);
  await screenshot(shared, 'book-details-phone-dark');
  await screenshot(page, 'book-details-desktop');

  await page.getByRole('link', { name: 'All books' }).click();
  await rowsShown(page);
  expect(new URL(page.url()).pathname).toBe('/');
  expect([...page.problems, ...shared.problems]).toEqual([]);
});

it('remembers the page size chosen, and offers all (up to 100)', async () => {
  const page = await open(LAPTOP);
  await rowsShown(page, 8);
  await page.getByLabel('Books per page').selectOption('100');
  await eventually(() => titles(page), (shown) => expect(shown.length).toBeGreaterThan(40));

  await page.goto(topology.web!.url);
  await eventually(() => titles(page), (shown) => expect(shown.length).toBeGreaterThan(40));
  expect(await page.getByLabel('Books per page').inputValue()).toBe('100');
  expect(await accessibilityViolations(page)).toEqual([]);
  await screenshot(page, 'list-all-desktop-light');
  expect(page.problems).toEqual([]);
});
