import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Topology } from '@books/stack';
import { DESKTOP, PHONE, accessibilityViolations, launchChromium, openPage, screenshot } from './support/browser';
import { eventually } from './support/eventually';

/** Adding, editing and deleting books in the dialogs, and two people editing one book (more in conflicts.spec.ts). */
let topology: Topology;
let browser: Browser;
let context: BrowserContext;
let page: Page & { problems: string[] };

beforeAll(async () => {
  [topology, browser] = await Promise.all([Topology.start({ name: 'e2e-edit', replicas: 2, webPort: 0 }), launchChromium()]);
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

/** Creates a book through the API, so each test edits its own. */
async function bookViaApi(title: string, fields: Record<string, unknown> = {}) {
  const response = await fetch(`${topology.web!.url}/api/books`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ title, author: 'E2E Author', year: 1970, score: 5, ...fields }),
  });
  return (await response.json()) as { id: string; title: string; version: number };
}

async function showOnly(target: Page, text: string): Promise<void> {
  await target.getByLabel('Search').fill(text);
  await eventually(() => target.getByRole('rowheader').allTextContents(), (titles) => expect(titles.map((t) => t.trim())).toEqual([text]));
}

const dialog = (target: Page) => target.getByRole('dialog');
const toast = (target: Page, text: string) => target.getByRole('status').filter({ hasText: text });

it('adds a book, checking the fields as the API does and showing messages next to them', async () => {
  await page.getByRole('button', { name: 'Add book' }).click();
  await eventually(() => dialog(page).getByRole('heading', { name: 'Add book' }).count(), (count) => expect(count).toBe(1));
  // Focus moves into the dialog, on the first field.
  await eventually(() => page.evaluate(() => document.activeElement?.id), (id) => expect(id).toBe('book-title'));

  await page.getByLabel('Year').fill('3000');
  await page.getByLabel('Score').fill('11');
  await dialog(page).getByRole('button', { name: 'Save' }).click();
  await eventually(() => dialog(page).locator('.field__error').allTextContents(), (errors) =>
    expect(errors).toEqual(expect.arrayContaining(['Title is required', 'Author is required', 'Score is a whole number from 0 to 10, or empty'])),
  );
  expect(await page.getByLabel('Title').getAttribute('aria-invalid')).toBe('true');
  await screenshot(page, 'add-dialog-invalid');

  await page.getByLabel('Title').fill('The Seedbank Keepers');
  await page.getByLabel('Author').fill('Ada Marsh');
  await page.getByLabel('Year').fill('1955');
  await page.getByLabel('Score').fill('9');
  await dialog(page).getByLabel('Read', { exact: true }).check(); // the list has a Read box per row too
  await dialog(page).getByRole('button', { name: 'Save' }).click();

  await eventually(() => toast(page, 'The Seedbank Keepers').count(), (count) => expect(count).toBeGreaterThan(0));
  expect(await dialog(page).count()).toBe(0);
  await showOnly(page, 'The Seedbank Keepers');
  const row = page.getByRole('row').filter({ hasText: 'The Seedbank Keepers' });
  expect((await row.textContent())?.replace(/\s+/g, ' ')).toContain('Ada Marsh 1955 9 Yes');
});

it('edits a book in a dialog, and the table shows the change', async () => {
  const book = await bookViaApi('The Salt Roads');
  await showOnly(page, book.title);
  await page.getByRole('button', { name: `Edit ${book.title}` }).click();
  await eventually(() => dialog(page).getByRole('heading', { name: 'Edit book' }).count(), (count) => expect(count).toBe(1));
  expect(await page.getByLabel('Title').inputValue()).toBe(book.title);
  expect(await accessibilityViolations(page)).toEqual([]);
  await screenshot(page, 'edit-dialog-desktop');

  await page.getByLabel('Score').fill('8');
  await dialog(page).getByRole('button', { name: 'Save' }).click();
  await eventually(() => dialog(page).count(), (count) => expect(count).toBe(0));
  await eventually(() => page.getByRole('row').filter({ hasText: book.title }).textContent(), (text) => expect(text).toContain('8'));
  // Focus goes back to where the user was.
  await eventually(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')), (label) => expect(label).toBe(`Edit ${book.title}`));
});

it('closes the dialog with Escape without saving, once the user confirms', async () => {
  const book = await bookViaApi('Glass Orchard');
  await showOnly(page, book.title);
  await page.getByRole('button', { name: `Edit ${book.title}` }).click();
  await page.getByLabel('Title').fill('Changed but not saved');
  await page.keyboard.press('Escape');
  await dialog(page).getByRole('button', { name: 'Discard changes' }).click();
  await eventually(() => dialog(page).count(), (count) => expect(count).toBe(0));
  const stored = await (await fetch(`${topology.web!.url}/api/books/${book.id}`)).json();
  expect(stored).toMatchObject({ title: 'Glass Orchard', version: 1 });
});

it('deletes after confirmation, and undoes the delete', async () => {
  const book = await bookViaApi('Malevil');
  await showOnly(page, book.title);
  await page.getByRole('button', { name: `Delete ${book.title}` }).click();
  await eventually(() => dialog(page).getByRole('heading', { name: 'Delete book?' }).count(), (count) => expect(count).toBe(1));
  await dialog(page).getByRole('button', { name: 'Delete' }).click();
  await eventually(() => page.getByRole('heading', { name: `No books match “${book.title}”` }).count(), (count) => expect(count).toBe(1));
  expect((await fetch(`${topology.web!.url}/api/books/${book.id}`)).status).toBe(404);

  await page.getByRole('button', { name: 'Undo' }).click();
  await eventually(() => page.getByRole('rowheader').allTextContents(), (titles) => expect(titles.map((t) => t.trim())).toEqual([book.title]));
  const search = await (await fetch(`${topology.web!.url}/api/books?q=Malevil`)).json();
  expect(search.items).toEqual([expect.objectContaining({ title: 'Malevil', author: 'E2E Author', year: 1970, score: 5 })]);
});

it('merges the edit of a user who lost a race with the winner’s, when they changed different fields', async () => {
  const book = await bookViaApi('Warday');
  await showOnly(page, book.title);
  await page.getByRole('button', { name: `Edit ${book.title}` }).click();
  await page.getByLabel('Score').fill('3');

  // Meanwhile, someone else saves a change to the same book in their own browser.
  const other = await browser.newContext(DESKTOP);
  const theirs = await openPage(other, topology.web!.url);
  await showOnly(theirs, book.title);
  await theirs.getByRole('button', { name: `Edit ${book.title}` }).click();
  await theirs.getByLabel('Title').fill('Warday (revised)');
  await dialog(theirs).getByRole('button', { name: 'Save' }).click();
  await eventually(() => dialog(theirs).count(), (count) => expect(count).toBe(0));
  expect(theirs.problems).toEqual([]);
  await other.close();

  await dialog(page).getByRole('button', { name: 'Save' }).click();
  await eventually(() => dialog(page).count(), (count) => expect(count).toBe(0));
  await eventually(async () => (await fetch(`${topology.web!.url}/api/books/${book.id}`)).json(), (stored) =>
    expect(stored).toMatchObject({ title: 'Warday (revised)', score: 3, version: 3 }),
  );
});

it('shows the edit dialog in full on a phone-sized screen', async () => {
  const book = await bookViaApi('The Long Thaw');
  const phone = await browser.newContext(PHONE);
  try {
    const small = await openPage(phone, topology.web!.url);
    await showOnly(small, book.title);
    await small.getByRole('button', { name: `Edit ${book.title}` }).click();
    await eventually(() => dialog(small).getByRole('button', { name: 'Save' }).isVisible(), (visible) => expect(visible).toBe(true));
    expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot(small, 'edit-dialog-phone');
    expect(small.problems).toEqual([]);
  } finally {
    await phone.close();
  }
});
