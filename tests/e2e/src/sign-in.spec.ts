import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { type IdentityServer, Topology } from '@books/stack';
import { DESKTOP, launchChromium, openPage, screenshot } from './support/browser';
import { eventually } from './support/eventually';

/**
 * Sign-in as a person meets it: the real identity provider (apps/identity) and its login page,
 * the web app behind Nginx, the gateway checking the tokens. Controls follow the role; the
 * session renews itself with the refresh token while someone is editing.
 */
let topology: Topology;
let identity: IdentityServer;
let browser: Browser;
let context: BrowserContext;
let page: Page & { problems: string[] };

type Who = 'editor' | 'reader' | 'admin';

beforeAll(async () => {
  [topology, browser] = await Promise.all([
    Topology.start({ name: 'e2e-sign-in', replicas: 1, webPort: 0, identity: true, gatewayEnv: { RATE_LIMIT_MAX: '0' } }),
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
  page = await openPage(context, topology.web!.url);
});
afterEach(async () => {
  await context.close();
});

const web = () => topology.web!.url;

/** The shipped page's Content-Security-Policy (deploy/nginx/default.conf.template). */
async function shippedCsp(): Promise<string> {
  return (await fetch(`${web()}/`)).headers.get('content-security-policy') ?? '';
}

const connectSrc = (csp: string) => /connect-src ([^;]*)/.exec(csp)?.[1].split(/\s+/) ?? [];
const header = (target: Page) => target.getByRole('banner');
const dialog = (target: Page) => target.getByRole('dialog');
const toast = (target: Page, text: string) => target.getByRole('status').filter({ hasText: text });
const count = (read: () => Promise<number>, expected: number) => eventually(read, (n) => expect(n).toBe(expected));

/** The buttons and boxes that change books, by what a person (or a screen reader) sees. */
async function editingControls(target: Page) {
  return {
    add: await target.getByRole('button', { name: 'Add book' }).count(),
    import: await target.getByRole('button', { name: 'Import' }).count(),
    edit: await target.getByRole('button', { name: /^Edit / }).count(),
    delete: await target.getByRole('button', { name: /^Delete / }).count(),
    read: await target.getByRole('checkbox', { name: /^Read: / }).count(),
  };
}

async function listShown(target: Page): Promise<void> {
  await eventually(() => target.getByRole('table', { name: 'Books' }).getByRole('rowheader').count(), (rows) => expect(rows).toBeGreaterThan(0));
}

/** "Sign in" in the header, the IdP's own login page, and back on the app with the user's name in the header. */
async function signIn(target: Page, who: Who): Promise<void> {
  const user = identity.users[who];
  await header(target).getByRole('button', { name: 'Sign in' }).click();
  await target.waitForURL((url) => url.origin === identity.url && url.pathname.startsWith('/interaction/'));
  expect(await target.getByRole('heading', { name: 'Sign in to Books catalogue' }).count()).toBe(1);
  await target.getByLabel('Username').fill(user.username);
  await target.getByLabel('Password').fill(user.password);
  await target.getByRole('button', { name: 'Sign in' }).click();
  await target.waitForURL((url) => url.origin === web());
  await eventually(() => header(target).getByText(user.name, { exact: true }).count(), (n) => expect(n).toBe(1));
  await listShown(target);
}

async function showOnly(target: Page, text: string): Promise<void> {
  await target.getByLabel('Search').fill(text);
  await eventually(() => target.getByRole('rowheader').allTextContents(), (titles) => expect(titles.map((t) => t.trim())).toEqual([text]));
}

/** Adds a book through the dialog, as the signed-in user, and waits for the list to show only it. */
async function addBook(target: Page, title: string, author: string): Promise<void> {
  await target.getByRole('button', { name: 'Add book' }).click();
  await eventually(() => dialog(target).getByRole('heading', { name: 'Add book' }).count(), (n) => expect(n).toBe(1));
  await target.getByLabel('Title').fill(title);
  await target.getByLabel('Author').fill(author);
  await dialog(target).getByRole('button', { name: 'Save' }).click();
  await eventually(() => toast(target, title).count(), (n) => expect(n).toBeGreaterThan(0));
  await count(() => dialog(target).count(), 0);
  await showOnly(target, title);
}

/** The API's answer to the dialog's save of book `id` (PUT, or PATCH after a merge). */
const saveOf = (id: string) => (response: Response) =>
  new URL(response.url()).pathname === `/api/books/${id}` && ['PUT', 'PATCH'].includes(response.request().method());

async function bookIdByTitle(title: string): Promise<string> {
  const found = await (await fetch(`${web()}/api/books?q=${encodeURIComponent(title)}`)).json();
  expect(found.items).toHaveLength(1);
  return found.items[0].id;
}

it('lets the page reach the identity provider under the shipped CSP', async () => {
  expect(connectSrc(await shippedCsp())).toContain(identity.url);
});

it('shows a visitor the list and "Sign in", and nothing that changes books', async () => {
  await listShown(page);
  await eventually(() => header(page).getByRole('button', { name: 'Sign in' }).count(), (n) => expect(n).toBe(1));
  expect(await editingControls(page)).toEqual({ add: 0, import: 0, edit: 0, delete: 0, read: 0 });
  // Reading stays: every row keeps its History, and Export is there.
  expect(await page.getByRole('button', { name: /^History of / }).count()).toBeGreaterThan(0);
  expect(await header(page).getByRole('button', { name: 'Sign out' }).count()).toBe(0);
  await screenshot(page, 'sign-in-visitor');
  expect(page.problems).toEqual([]);
});

it('lets an editor sign in on the IdP page, add and edit a book, but not import; signing out takes the controls away', async () => {
  await listShown(page);
  await signIn(page, 'editor');
  expect(await header(page).getByText('Editor', { exact: true }).count()).toBe(1);
  expect(await header(page).getByRole('button', { name: 'Sign in' }).count()).toBe(0);
  const controls = await editingControls(page);
  expect(controls).toMatchObject({ add: 1, import: 0 });
  expect(controls.edit).toBeGreaterThan(0);
  await screenshot(page, 'sign-in-editor');

  const title = `Signed By Edith ${Date.now()}`;
  await addBook(page, title, 'Edith Editor');
  await page.getByRole('button', { name: `Edit ${title}` }).click();
  await eventually(() => dialog(page).getByRole('heading', { name: 'Edit book' }).count(), (n) => expect(n).toBe(1));
  await page.getByLabel('Score').fill('7');
  const saved = page.waitForResponse(saveOf(await bookIdByTitle(title)));
  await dialog(page).getByRole('button', { name: 'Save' }).click();
  expect((await saved).status()).toBe(200);
  await count(() => dialog(page).count(), 0);
  await eventually(() => page.getByRole('row').filter({ hasText: title }).locator('.cell-score').textContent(), (score) => expect(score?.trim()).toBe('7'));
  // The gateway took both writes as the editor's.
  const history = await (await fetch(`${web()}/api/books/${await bookIdByTitle(title)}/history`)).json();
  expect(history.items.map((entry: any) => entry.actor?.name)).toEqual([identity.users.editor.name, identity.users.editor.name]);
  // And the History panel says so.
  await page.getByRole('button', { name: `History of ${title}` }).click();
  await eventually(
    () => page.getByRole('dialog').locator('.entry__meta').allTextContents(),
    (metas) => expect(metas.map((meta) => meta.replace(/\s+/g, ' ').trim())).toEqual([expect.stringMatching(new RegExp(`by ${identity.users.editor.name}$`)), expect.stringMatching(new RegExp(`by ${identity.users.editor.name}$`))]),
  );
  await page.keyboard.press('Escape');
  await count(() => dialog(page).count(), 0);

  await header(page).getByRole('button', { name: 'Sign out' }).click();
  // The IdP asks to confirm (RP-initiated logout), then sends the user back to the app.
  await page.waitForURL((url) => url.origin === identity.url);
  await page.getByRole('button', { name: 'Yes, sign me out' }).click();
  await page.waitForURL((url) => url.origin === web());
  await eventually(() => header(page).getByRole('button', { name: 'Sign in' }).count(), (n) => expect(n).toBe(1));
  await listShown(page);
  expect(await editingControls(page)).toEqual({ add: 0, import: 0, edit: 0, delete: 0, read: 0 });
  expect(await header(page).getByText(identity.users.editor.name).count()).toBe(0);
  expect(page.problems).toEqual([]);
});

it('shows a reader no editing controls, in the list or on a book’s page', async () => {
  const book = (await (await fetch(`${web()}/api/books?limit=1`)).json()).items[0];
  await signIn(page, 'reader');
  expect(await header(page).getByRole('button', { name: 'Sign out' }).count()).toBe(1);
  expect(await editingControls(page)).toEqual({ add: 0, import: 0, edit: 0, delete: 0, read: 0 });
  expect(await page.getByRole('button', { name: /^History of / }).count()).toBeGreaterThan(0);
  await screenshot(page, 'sign-in-reader');

  // The book's own page, opened by its link: still signed in (the tab's session), still read-only.
  await page.goto(`${web()}/books/${book.id}`);
  await eventually(() => page.getByRole('heading', { name: book.title }).count(), (n) => expect(n).toBe(1));
  await eventually(() => header(page).getByText(identity.users.reader.name, { exact: true }).count(), (n) => expect(n).toBe(1));
  expect(await editingControls(page)).toEqual({ add: 0, import: 0, edit: 0, delete: 0, read: 0 });
  expect(page.problems).toEqual([]);
});

describe('with short-lived access tokens', () => {
  const TTL_S = 35;
  let restore: string | undefined;

  beforeAll(async () => {
    // Topology has no setting for the IdP's token lifetime: restart its IdP with one (same port,
    // keys and users; its in-memory sessions go, which no other test keeps).
    const env = identity.process.spec.env!;
    restore = env['ACCESS_TOKEN_TTL_S'];
    env['ACCESS_TOKEN_TTL_S'] = String(TTL_S);
    await identity.process.restart();
  });
  afterAll(async () => {
    identity.process.spec.env!['ACCESS_TOKEN_TTL_S'] = restore;
    await identity.process.restart();
  });

  it('renews the session while the edit dialog is open, and the save goes through', async () => {
    const renewals: { at: number; accessToken: string }[] = [];
    page.on('response', async (response) => {
      const request = response.request();
      if (response.url() !== `${identity.url}/token` || !request.postData()?.includes('grant_type=refresh_token')) return;
      const body = response.status() === 200 ? await response.json().catch(() => undefined) : undefined;
      if (body?.access_token) renewals.push({ at: Date.now(), accessToken: body.access_token });
    });
    const signInOffers: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame() && frame.url().startsWith(identity.url)) signInOffers.push(frame.url());
    });

    await signIn(page, 'editor');
    const title = `Renewed While Editing ${Date.now()}`;
    await addBook(page, title, 'Edith Editor');
    const id = await bookIdByTitle(title);
    await page.getByRole('button', { name: `Edit ${title}` }).click();
    await eventually(() => dialog(page).getByRole('heading', { name: 'Edit book' }).count(), (n) => expect(n).toBe(1));
    const opened = Date.now();
    await page.getByLabel('Score').fill('6');

    // The client renews a while before the token expires (renewTimeBeforeTokenExpiresInSeconds).
    await eventually(
      () => renewals.some((entry) => entry.at > opened),
      (renewed) => expect(renewed).toBe(true),
      (TTL_S + 10) * 1000,
    );
    // Renewed behind the user's back: the dialog and what they typed are still there.
    expect(await dialog(page).getByRole('heading', { name: 'Edit book' }).count()).toBe(1);
    expect(await page.getByLabel('Score').inputValue()).toBe('6');
    const authorization = page.waitForResponse(saveOf(id)).then(async (response) => ({
      status: response.status(),
      token: (await response.request().allHeaders())['authorization'],
    }));
    await dialog(page).getByRole('button', { name: 'Save' }).click();
    const save = await authorization;
    expect(save.status).toBe(200);
    // The save carried a token from a renewal, not the one from the sign-in.
    expect(renewals.map((entry) => `Bearer ${entry.accessToken}`)).toContain(save.token);

    await count(() => dialog(page).count(), 0);
    await eventually(() => page.getByRole('row').filter({ hasText: title }).locator('.cell-score').textContent(), (score) => expect(score?.trim()).toBe('6'));
    expect(await page.getByRole('button', { name: 'Sign in again' }).count()).toBe(0);
    expect(await header(page).getByRole('button', { name: 'Sign in' }).count()).toBe(0);
    expect(await header(page).getByText(identity.users.editor.name, { exact: true }).count()).toBe(1);
    // Only the sign-in itself went to the IdP's pages; the renewal happened behind the scenes.
    expect(signInOffers.filter((url) => new URL(url).pathname.startsWith('/interaction/'))).toHaveLength(1);
    expect(page.problems).toEqual([]);
  }, 120_000);
});

describe('with the identity provider down', () => {
  beforeEach(() => identity.process.stop());
  afterEach(async () => {
    if (!identity.process.running) await identity.process.start();
  });

  it('keeps the app readable on its own page, and says signing in is not possible right now', async () => {
    const visitor = await openPage(context, web());
    await listShown(visitor);
    await header(visitor).getByRole('button', { name: 'Sign in' }).click();
    await eventually(
      () => header(visitor).getByRole('alert').allTextContents(),
      (texts) => expect(texts.join(' ')).toContain('The sign-in service cannot be reached right now. Reading still works'),
    );
    await screenshot(visitor, 'sign-in-idp-down');
    expect(new URL(visitor.url()).origin).toBe(web());
    await listShown(visitor);
    expect(await header(visitor).getByRole('button', { name: 'Sign in' }).count()).toBe(1);
    expect(await editingControls(visitor)).toEqual({ add: 0, import: 0, edit: 0, delete: 0, read: 0 });
  });
});
