import type { Browser } from 'playwright-core';
import { Topology } from '@books/stack';
import { DESKTOP, launchChromium, openPage, screenshot } from './support/browser';
import { eventually } from './support/eventually';

/** Two people, two browsers: what one changes, the other sees without reloading. */
let topology: Topology;
let browser: Browser;

beforeAll(async () => {
  [topology, browser] = await Promise.all([Topology.start({ name: 'e2e-live', replicas: 2, webPort: 0 }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await topology?.stop();
});

async function twoReaders() {
  const [first, second] = await Promise.all([browser.newContext(DESKTOP), browser.newContext(DESKTOP)]);
  const [alice, bob] = await Promise.all([openPage(first, topology.web!.url), openPage(second, topology.web!.url)]);
  for (const reader of [alice, bob]) {
    await eventually(() => reader.getByRole('status').filter({ hasText: 'Live' }).count(), (count) => expect(count).toBeGreaterThan(0));
  }
  return { alice, bob, close: () => Promise.all([first.close(), second.close()]) };
}

it("updates another reader's open list in place, within a moment, with a highlight", async () => {
  const { alice, bob, close } = await twoReaders();
  try {
    const title = (await alice.getByRole('rowheader').first().textContent())!.trim();
    await bob.getByRole('button', { name: `Edit ${title}` }).click();
    await bob.getByLabel('Score').fill('1');
    await bob.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    const saved = performance.now();

    const row = alice.getByRole('row').filter({ hasText: title });
    await eventually(() => row.locator('.cell-score').textContent(), (score) => expect(score?.trim()).toBe('1'), 5_000);
    const seenAfterMs = performance.now() - saved;
    expect(seenAfterMs).toBeLessThan(2_000);
    expect(await row.getAttribute('class')).toContain('is-highlighted');
    await screenshot(alice, 'live-update-highlight');

    // A book added elsewhere appears in the open list too.
    await fetch(`${topology.web!.url}/api/books`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Aaron Aardvark Arrives', author: 'AAA First Author' }),
    });
    await eventually(() => alice.getByRole('rowheader').first().textContent(), (first) => expect(first?.trim()).toBe('Aaron Aardvark Arrives'));

    expect(alice.problems).toEqual([]);
    expect(bob.problems).toEqual([]);
  } finally {
    await close();
  }
});

it('warns in an open edit dialog when the book changes or is deleted underneath it', async () => {
  const { alice, close } = await twoReaders();
  try {
    const response = await fetch(`${topology.web!.url}/api/books`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Underneath', author: 'Mole People' }),
    });
    const book = await response.json();
    await alice.getByLabel('Search').fill('Underneath');
    await alice.getByRole('button', { name: 'Edit Underneath' }).click();

    await fetch(`${topology.web!.url}/api/books/${book.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ score: 7 }),
    });
    const alert = alice.getByRole('dialog').getByRole('alert');
    await eventually(() => alert.textContent(), (text) => expect(text).toContain('Someone else changed this book while you were editing.'));
    await screenshot(alice, 'edit-dialog-changed-underneath');
    await alice.getByRole('button', { name: 'Merge their changes' }).click();
    await eventually(() => alice.getByLabel('Score').inputValue(), (score) => expect(score).toBe('7'));

    await fetch(`${topology.web!.url}/api/books/${book.id}`, { method: 'DELETE' });
    await eventually(() => alert.textContent(), (text) => expect(text).toContain('deleted this book'));
    expect(alice.problems).toEqual([]);
  } finally {
    await close();
  }
});

it('shows reconnecting while the stream is down, and catches up when it is back', async () => {
  const { alice, close } = await twoReaders();
  try {
    await topology.gateway.process.stop();
    await eventually(() => alice.getByRole('status').filter({ hasText: 'Reconnecting' }).count(), (count) => expect(count).toBeGreaterThan(0));
    await topology.gateway.process.start();
    // A change made while this reader was cut off still reaches the list.
    const title = (await alice.getByRole('rowheader').first().textContent())!.trim();
    // The gateway is only just back: ask until it answers (Nginx's 503 meanwhile is a problem, not a page).
    const page = await eventually(
      async () => {
        const response = await fetch(`${topology.web!.url}/api/books?limit=1`);
        return { status: response.status, body: await response.json() };
      },
      (answer) => expect(answer.status).toBe(200),
    ).then((answer) => answer.body);
    // The same rename until it is taken: a write may still get a 503 while the gateway reconnects.
    await eventually(
      async () =>
        (
          await fetch(`${topology.web!.url}/api/books/${page.items[0].id}`, {
            method: 'PATCH',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ title: `${title} (renamed)` }),
          })
        ).status,
      (status) => expect(status).toBe(200),
    );
    await eventually(() => alice.getByRole('status').filter({ hasText: 'Live' }).count(), (count) => expect(count).toBeGreaterThan(0), 20_000);
    await eventually(() => alice.getByRole('rowheader').first().textContent(), (first) => expect(first?.trim()).toBe(`${title} (renamed)`), 20_000);
  } finally {
    await close();
  }
});
