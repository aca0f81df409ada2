import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Topology } from '@books/stack';
import { DESKTOP, PHONE, accessibilityViolations, launchChromium, openPage, screenshot } from './support/browser';
import { eventually } from './support/eventually';

/**
 * Two people editing one book: the edit dialog merges field by field and asks only about the
 * fields both changed; closing a changed form asks first, but not while it saves; years before the
 * common era.
 */
let topology: Topology;
let browser: Browser;
let context: BrowserContext;
let page: Page & { problems: string[] };

beforeAll(async () => {
  [topology, browser] = await Promise.all([Topology.start({ name: 'e2e-conflicts', replicas: 2, webPort: 0 }), launchChromium()]);
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

interface StoredBook {
  id: string;
  title: string;
  author: string;
  year: number | null;
  score: number | null;
  read: boolean;
  version: number;
}

async function api(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${topology.web!.url}/api/books${path}`, { ...init, headers: { 'content-type': 'application/json', ...init.headers } });
}

async function bookViaApi(title: string, fields: Record<string, unknown> = {}): Promise<StoredBook> {
  const response = await api('', { method: 'POST', body: JSON.stringify({ title, author: 'E2E Author', year: 1970, score: 5, ...fields }) });
  return (await response.json()) as StoredBook;
}

/** Someone else's change, saved through the API while the dialog is open. */
async function changeViaApi(book: StoredBook, changes: Record<string, unknown>): Promise<void> {
  const response = await api(`/${book.id}`, { method: 'PATCH', body: JSON.stringify(changes) });
  expect(response.status).toBe(200);
}

async function stored(book: StoredBook): Promise<StoredBook> {
  return (await (await api(`/${book.id}`)).json()) as StoredBook;
}

async function edit(target: Page, book: StoredBook): Promise<void> {
  await target.getByLabel('Search').fill(book.title);
  await eventually(() => target.getByRole('rowheader').allTextContents(), (titles) => expect(titles.map((t) => t.trim())).toEqual([book.title]));
  await target.getByRole('button', { name: `Edit ${book.title}` }).click();
  await eventually(() => editDialog(target).count(), (count) => expect(count).toBe(1));
}

const dialogs = (target: Page) => target.getByRole('dialog');
const editDialog = (target: Page) => target.getByRole('dialog', { name: 'Edit book' });
const mergeDialog = (target: Page) => target.getByRole('dialog', { name: 'Someone else changed this book' });
const toast = (target: Page, text: string) => target.getByRole('status').filter({ hasText: text });
const focusedText = (target: Page) =>
  target.evaluate(() => {
    const focused = document.activeElement;
    return focused?.id ? `${focused.tagName}#${focused.id}` : (focused?.textContent?.trim() ?? '');
  });

it('merges changes to different fields without a question, and says so', async () => {
  const book = await bookViaApi('The Quiet Lantern');
  await edit(page, book);
  await page.getByLabel('Score').fill('8');

  await changeViaApi(book, { author: 'Craig Harrison', year: 1981 });
  await editDialog(page).getByRole('button', { name: 'Save' }).click();

  await eventually(() => dialogs(page).count(), (count) => expect(count).toBe(0));
  await eventually(() => toast(page, 'Merged with changes made by someone else').count(), (count) => expect(count).toBe(1));
  expect(await stored(book)).toMatchObject({ title: 'The Quiet Lantern', author: 'Craig Harrison', year: 1981, score: 8, version: 3 });
  await eventually(
    () => page.getByRole('row').filter({ hasText: book.title }).textContent(),
    (text) => expect(text?.replace(/\s+/g, ' ')).toContain('Craig Harrison 1981 8'),
  );
});

it('asks only about the field both changed, in the same dialog, and saves the choice with the rest merged', async () => {
  const book = await bookViaApi('Seventh Level Down');
  await edit(page, book);
  await page.getByLabel('Score').fill('3');
  await editDialog(page).getByLabel('Read').check();

  await changeViaApi(book, { score: 9, year: 1959 });
  await editDialog(page).getByRole('button', { name: 'Save' }).click();

  // The edit dialog's content is replaced, not covered by a second dialog.
  await eventually(() => mergeDialog(page).count(), (count) => expect(count).toBe(1));
  expect(await dialogs(page).count()).toBe(1);
  await eventually(() => focusedText(page), (focused) => expect(focused).toBe('H2#book-form-title'));
  const merge = mergeDialog(page);
  expect(await merge.getByRole('group', { name: 'Score' }).count()).toBe(1);
  expect(await merge.getByRole('radio').count()).toBe(2);
  expect((await merge.getByRole('listitem').allTextContents()).map((text) => text.replace(/\s+/g, ' ').trim())).toEqual([
    'Year: 1959 (their change)',
    'Read: Yes (your change)',
  ]);
  expect(await accessibilityViolations(page)).toEqual([]);
  await screenshot(page, 'merge-dialog-desktop-light');
  await page.emulateMedia({ colorScheme: 'dark' });
  // Colours change with a transition: check once they have settled.
  await eventually(() => accessibilityViolations(page), (violations) => expect(violations).toEqual([]));
  await screenshot(page, 'merge-dialog-desktop-dark');
  await page.emulateMedia({ colorScheme: 'light' });

  // Saving without a choice says what is missing and takes the keyboard there.
  await merge.getByRole('button', { name: 'Save' }).click();
  await eventually(() => merge.getByRole('alert').textContent(), (text) => expect(text?.trim()).toBe('Choose a value for Score.'));
  await eventually(() => focusedText(page), (focused) => expect(focused).toBe('INPUT#merge-score-theirs'));

  // By keyboard: the arrow moves the choice within the group.
  await page.keyboard.press('ArrowDown');
  expect(await merge.getByRole('radio', { name: 'Yours 3' }).isChecked()).toBe(true);
  await merge.getByRole('button', { name: 'Save' }).click();

  await eventually(() => dialogs(page).count(), (count) => expect(count).toBe(0));
  expect(await stored(book)).toMatchObject({ title: 'Seventh Level Down', year: 1959, score: 3, read: true, version: 3 });
  await eventually(() => toast(page, 'Merged with changes made by someone else').count(), (count) => expect(count).toBe(1));
});

it('goes back to the form from the merge on Cancel, with nothing saved', async () => {
  const book = await bookViaApi('The Grass That Stayed');
  await edit(page, book);
  await page.getByLabel('Title').fill('No Blade Left');
  await changeViaApi(book, { title: 'The Grass That Stayed (1956)' });
  await editDialog(page).getByRole('button', { name: 'Save' }).click();
  await eventually(() => mergeDialog(page).count(), (count) => expect(count).toBe(1));

  await mergeDialog(page).getByRole('button', { name: 'Cancel' }).click();

  await eventually(() => editDialog(page).count(), (count) => expect(count).toBe(1));
  expect(await page.getByLabel('Title').inputValue()).toBe('No Blade Left');
  expect(await stored(book)).toMatchObject({ title: 'The Grass That Stayed (1956)', version: 2 });
});

it('offers the merge from the live warning, before saving', async () => {
  const book = await bookViaApi('The Week of the Walkers');
  await edit(page, book);
  await page.getByLabel('Score').fill('10');

  await changeViaApi(book, { author: 'John Wyndham' });
  const alert = editDialog(page).getByRole('alert');
  await eventually(() => alert.textContent(), (text) => expect(text).toContain('Someone else changed this book while you were editing.'));
  await editDialog(page).getByRole('button', { name: 'Merge their changes' }).click();

  await eventually(() => page.getByLabel('Author').inputValue(), (author) => expect(author).toBe('John Wyndham'));
  expect(await page.getByLabel('Score').inputValue()).toBe('10');
  await editDialog(page).getByRole('button', { name: 'Save' }).click();
  await eventually(() => dialogs(page).count(), (count) => expect(count).toBe(0));
  // Saved on their version at once: no 412 on the way.
  expect(await stored(book)).toMatchObject({ author: 'John Wyndham', score: 10, version: 3 });
});

it('asks before discarding changes on Escape, the backdrop or Cancel', async () => {
  const book = await bookViaApi('Paper Babylon');
  await edit(page, book);
  await page.getByLabel('Title').fill('Changed but not saved');

  await page.keyboard.press('Escape');
  const question = editDialog(page).getByRole('group', { name: 'Discard your changes?' });
  await eventually(() => question.count(), (count) => expect(count).toBe(1));
  await eventually(() => focusedText(page), (focused) => expect(focused).toBe('Keep editing'));
  expect(await accessibilityViolations(page)).toEqual([]);

  // A second Escape keeps editing; so does "Keep editing".
  await page.keyboard.press('Escape');
  await eventually(() => question.count(), (count) => expect(count).toBe(0));
  await page.mouse.click(5, 5);
  await eventually(() => question.count(), (count) => expect(count).toBe(1));
  await question.getByRole('button', { name: 'Keep editing' }).click();
  expect(await page.getByLabel('Title').inputValue()).toBe('Changed but not saved');

  await editDialog(page).getByRole('button', { name: 'Cancel' }).click();
  await question.getByRole('button', { name: 'Discard changes' }).click();
  await eventually(() => dialogs(page).count(), (count) => expect(count).toBe(0));
  expect(await stored(book)).toMatchObject({ title: 'Paper Babylon', version: 1 });
  // Focus goes back to where the user was.
  await eventually(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label')), (label) => expect(label).toBe(`Edit ${book.title}`));
});

it('does not lose a save to Escape pressed while it is in flight', async () => {
  const book = await bookViaApi('The Slow Courier');
  await edit(page, book);
  await page.getByLabel('Title').fill('The Slow Courier Arrives');
  // The save (a PUT with If-Match) takes a while: long enough to press Escape before its answer.
  let saves = 0;
  await page.route(`**/api/books/${book.id}`, async (route) => {
    if (route.request().method() === 'PUT') {
      saves++;
      await new Promise((resolve) => setTimeout(resolve, 800));
    }
    await route.continue();
  });

  await editDialog(page).getByRole('button', { name: 'Save' }).click();
  await eventually(() => saves, (count) => expect(count).toBe(1));
  await page.keyboard.press('Escape');
  // The dialog says it will close once saved, instead of asking to discard.
  await eventually(
    () => editDialog(page).getByRole('status').filter({ hasText: 'This closes once the book is saved.' }).count(),
    (count) => expect(count).toBe(1),
  );
  expect(await page.getByRole('group', { name: 'Discard your changes?' }).count()).toBe(0);

  await eventually(() => dialogs(page).count(), (count) => expect(count).toBe(0));
  expect(saves).toBe(1);
  expect(await page.getByRole('group', { name: 'Discard your changes?' }).count()).toBe(0);
  expect(await stored(book)).toMatchObject({ title: 'The Slow Courier Arrives', version: 2 });
  await eventually(() => page.getByRole('rowheader').allTextContents(), (titles) =>
    expect(titles.map((title) => title.trim())).toContain('The Slow Courier Arrives'),
  );
});

it('takes a negative year (BCE) on a phone, and explains a year it cannot take', async () => {
  const phone = await browser.newContext(PHONE);
  try {
    const small = await openPage(phone, topology.web!.url);
    await small.getByRole('button', { name: 'Add book' }).click();
    const year = small.getByLabel('Year');
    // A text keyboard: the iOS number pad has no minus sign.
    expect(await year.getAttribute('type')).toBe('text');
    expect(await year.getAttribute('inputmode')).toBe('text');

    await small.getByLabel('Title').fill('Anabasis of the Ten');
    await small.getByLabel('Author').fill('Xenophon');
    await year.pressSequentially('370 BC');
    await year.blur();
    await eventually(() => small.getByRole('dialog').locator('.field__error').allTextContents(), (errors) =>
      expect(errors).toEqual(['Year is a whole number, negative for BCE, up to next year, or empty']),
    );
    await year.fill('');
    await year.pressSequentially('-370');
    await small.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await eventually(() => small.getByRole('dialog').count(), (count) => expect(count).toBe(0));

    const found = await (await api('?q=Anabasis of the Ten')).json();
    expect(found.items).toEqual([expect.objectContaining({ title: 'Anabasis of the Ten', year: -370 })]);
    expect(small.problems).toEqual([]);
  } finally {
    await phone.close();
  }
});

it('shows the merge in full on a phone, light and dark', async () => {
  const book = await bookViaApi('A Canticle for the Archivist', { score: null });
  const phone = await browser.newContext(PHONE);
  try {
    const small = await openPage(phone, topology.web!.url);
    await edit(small, book);
    await small.getByLabel('Title').fill('A Canticle for the Archivist (1959)');
    await small.getByLabel('Score').fill('9');
    await changeViaApi(book, { title: 'A Canticle for the Archivist: A Novel', score: 10, author: 'Walter M. Miller Jr.' });
    await editDialog(small).getByRole('button', { name: 'Save' }).click();

    await eventually(() => mergeDialog(small).getByRole('button', { name: 'Save' }).isVisible(), (visible) => expect(visible).toBe(true));
    expect(await mergeDialog(small).getByRole('group').count()).toBe(2);
    expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    expect(await accessibilityViolations(small)).toEqual([]);
    await screenshot(small, 'merge-dialog-phone-light');
    await small.emulateMedia({ colorScheme: 'dark' });
    await screenshot(small, 'merge-dialog-phone-dark');

    // A tap anywhere on a choice's card picks it.
    await mergeDialog(small).locator('label', { hasText: 'A Canticle for the Archivist: A Novel' }).tap();
    await mergeDialog(small).getByRole('radio', { name: 'Yours 9' }).check();
    expect(await mergeDialog(small).getByRole('radio', { name: 'Theirs A Canticle for the Archivist: A Novel' }).isChecked()).toBe(true);
    await mergeDialog(small).getByRole('button', { name: 'Save' }).click();
    await eventually(() => small.getByRole('dialog').count(), (count) => expect(count).toBe(0));
    expect(await stored(book)).toMatchObject({
      title: 'A Canticle for the Archivist: A Novel',
      author: 'Walter M. Miller Jr.',
      score: 9,
      version: 3,
    });
    expect(small.problems).toEqual([]);
  } finally {
    await phone.close();
  }
});
