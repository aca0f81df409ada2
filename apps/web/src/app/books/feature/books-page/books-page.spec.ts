import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { REFRESH_COALESCE_MS } from '../../data-access/books.store';
import { Toaster } from '../../data-access/toaster.service';
import { SEARCH_DEBOUNCE_MS } from '../../ui/book-toolbar/book-toolbar';
import { aBookEvent } from '../../testing/books.fixtures';
import { dialogTitled, openDialogTitles } from '../../testing/dialogs';
import { button, field, queryButton, textOf, type } from '../../testing/dom';
import { FakeBooksApi, problem } from '../../testing/fake-books-api';
import { FakeEventSources } from '../../testing/fake-event-source';
import { fakeObjectUrls } from '../../testing/object-urls';
import { BookDetailsPage } from '../book-details/book-details-page';
import { FakeAuthClient, startAuth } from '../../../auth/testing/fake-auth-client';
import { draftOf } from '../book-form-dialog/book-form';
import { keepDraft } from '../book-form-dialog/unsaved-draft';
import { BooksPage } from './books-page';

describe('BooksPage', () => {
  let api: FakeBooksApi;
  let sources: FakeEventSources;
  let harness: RouterTestingHarness | undefined;
  let page: HTMLElement;

  beforeEach(async () => {
    harness = undefined;
    api = new FakeBooksApi();
    api.seed(42, (index) => {
      const number = String(index + 1).padStart(2, '0');
      return { title: `Title ${number}`, author: `Author ${number}`, year: 1950 + index };
    });
    sources = new FakeEventSources();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([
          { path: '', component: BooksPage },
          { path: 'books/:id', component: BookDetailsPage },
        ]),
        FakeBooksApi.provide(api),
        sources.provide(),
      ],
    });
  });

  /** The harness is made on the first visit, so a describe can add providers (sign-in) before it. */
  async function visit(url = '/'): Promise<void> {
    harness ??= await RouterTestingHarness.create();
    await harness.navigateByUrl(url, BooksPage);
    page = harness.routeNativeElement!;
    await settle();
  }

  /** Lets navigation, debounces, quiet refetches and rendering run their course. */
  async function settle(ms = 0): Promise<void> {
    await harness?.fixture.whenStable();
    await new Promise((resolve) => setTimeout(resolve, ms));
    await harness?.fixture.whenStable();
  }

  const titles = () => [...page.querySelectorAll('tbody th[scope="row"]')].map(textOf);
  const range = () => textOf(page.querySelector('.pagination__range'));

  it('shows the first 8 books by author, and where they are in the catalogue', async () => {
    await visit();

    expect(titles()).toEqual(['Title 01', 'Title 02', 'Title 03', 'Title 04', 'Title 05', 'Title 06', 'Title 07', 'Title 08']);
    expect(range()).toBe('1–8 of 42');
    expect(button(page, 'Author').closest('th')?.getAttribute('aria-sort')).toBe('ascending');
  });

  it('sorts by a column, and reverses on a second click', async () => {
    await visit();

    button(page, 'Year').click();
    await settle();
    expect(button(page, 'Year').closest('th')?.getAttribute('aria-sort')).toBe('ascending');
    expect(button(page, 'Author').closest('th')?.hasAttribute('aria-sort')).toBe(false);

    button(page, 'Year').click();
    await settle();
    expect(button(page, 'Year').closest('th')?.getAttribute('aria-sort')).toBe('descending');
    expect(titles()[0]).toBe('Title 42');
  });

  it('pages forward and back', async () => {
    await visit();

    button(page, 'Next page').click();
    await settle();
    expect(range()).toBe('9–16 of 42');
    expect(titles()[0]).toBe('Title 09');

    button(page, 'Last page').click();
    await settle();
    expect(range()).toBe('41–42 of 42');
  });

  it('opens on the page a shared link names', async () => {
    await visit('/?page=2&size=16&sort=-title');

    expect(range()).toBe('17–32 of 42');
    expect(titles()[0]).toBe('Title 26');
    expect(field<HTMLSelectElement>(page, 'Books per page').value).toBe('16');
  });

  it('says when a search finds nothing, and clears it', async () => {
    await visit();

    type(field(page, 'Search'), 'xyz');
    await settle(SEARCH_DEBOUNCE_MS + 50);
    expect(textOf(page.querySelector('h2'))).toBe('No books match “xyz”');
    expect(page.querySelector('table')).toBeNull();

    button(page, 'Clear search').click();
    await settle();
    expect(titles()).toHaveLength(8);
    expect(field(page, 'Search').value).toBe('');
    expect(document.activeElement).toBe(field(page, 'Search'));
  });

  it('shows an error with a Retry button when the list fails to load', async () => {
    api.failWith(problem(503, 'The books service is unavailable', 'No books-service replica is reachable right now.'));
    await visit();

    const alert = page.querySelector('[role="alert"]');
    expect(textOf(alert)).toContain('No books-service replica is reachable right now.');

    button(page, 'Retry').click();
    await settle();
    expect(page.querySelector('[role="alert"]')).toBeNull();
    expect(titles()).toHaveLength(8);
  });

  it('deletes a book after confirming, and offers to undo', async () => {
    await visit();

    button(page, 'Delete Title 01').click();
    await settle();
    button(dialogTitled('Delete book?'), 'Delete').click();
    await settle(REFRESH_COALESCE_MS + 50);

    expect(openDialogTitles()).toEqual([]);
    expect(titles()).not.toContain('Title 01');
    expect(range()).toBe('1–8 of 41');
    const [toast] = TestBed.inject(Toaster).toasts();
    expect(toast).toMatchObject({ message: 'Deleted “Title 01”.', action: { label: 'Undo' } });
  });

  it('undoes a delete by restoring the same book', async () => {
    await visit();
    const [book] = api.books;
    button(page, 'Delete Title 01').click();
    await settle();
    button(dialogTitled('Delete book?'), 'Delete').click();
    await settle(REFRESH_COALESCE_MS + 50);

    const toaster = TestBed.inject(Toaster);
    toaster.act(toaster.toasts()[0].id);
    await settle(REFRESH_COALESCE_MS + 50);

    expect(titles()).toContain('Title 01');
    expect(api.books.find((candidate) => candidate.title === 'Title 01')).toMatchObject({ id: book.id, version: 3 });
    expect(range()).toBe('1–8 of 42');
  });

  it('opens a book’s history from its row', async () => {
    await visit();

    button(page, 'History of Title 02').click();
    await settle();
    await settle();

    const history = dialogTitled('History');
    expect(textOf(document.getElementById(history.getAttribute('aria-describedby')!))).toBe('“Title 02” by Author 02');
    expect(textOf(history.querySelector('.entry h3'))).toBe('Added version 1 current');
  });

  it('keeps the book when the user cancels', async () => {
    await visit();

    button(page, 'Delete Title 01').click();
    await settle();
    button(dialogTitled('Delete book?'), 'Cancel').click();
    await settle();

    expect(api.callsTo('delete')).toEqual([]);
    expect(titles()).toContain('Title 01');
  });

  it('opens the add and edit dialogs', async () => {
    await visit();

    button(page, 'Add book').click();
    await settle();
    expect(openDialogTitles()).toEqual(['Add book']);
    button(dialogTitled('Add book'), 'Cancel').click();
    await settle();

    button(page, 'Edit Title 02').click();
    await settle();
    expect(field(dialogTitled('Edit book'), 'Title').value).toBe('Title 02');
  });

  it('updates a row in place when someone else changes it', async () => {
    await visit();
    const [, second] = api.books;

    sources.latest.emit('book.updated', aBookEvent('book.updated', { ...second, title: 'Title 02, revised', version: 2 }));
    await settle();

    expect(titles()[1]).toBe('Title 02, revised');
    expect(page.querySelectorAll('tbody tr')[1].classList).toContain('is-highlighted');
    expect(queryButton(page, 'Edit Title 02, revised')).toBeDefined();
  });

  describe('importing', () => {
    const file = new File(['title,author\n'.padEnd(1000, 'x')], 'more-books.csv', { type: 'text/csv' });
    const progressbar = () => page.querySelector('[role="progressbar"]');

    async function chooseFile(chosen = file): Promise<void> {
      const input = page.querySelector<HTMLInputElement>('input[type="file"]')!;
      Object.defineProperty(input, 'files', { value: [chosen], configurable: true });
      input.dispatchEvent(new Event('change'));
      await settle();
    }

    it('shows the upload, then the report, and the imported books in the list', async () => {
      fakeObjectUrls();
      await visit();
      await chooseFile();

      expect(api.upload.size).toBe(file.size);
      expect(button(page, 'Import').getAttribute('aria-disabled')).toBe('true');
      api.upload.sent(250);
      await settle();
      expect(progressbar()?.getAttribute('aria-valuenow')).toBe('25');

      api.upload.sent(file.size);
      await settle();
      expect(progressbar()?.hasAttribute('aria-valuenow')).toBe(false);
      expect(textOf(page)).toContain('Processing…');

      const rejection = { record: 3, line: 4, field: 'author', reason: 'The author is required' };
      api.upload.finish({ received: 3, created: 2, rejected: 1, rejections: [rejection] }, [
        { title: 'Aardvark Days', author: 'Aaron Abbott' },
        { title: 'Second', author: 'Aaron Abbott' },
      ]);
      await settle(REFRESH_COALESCE_MS + 50);

      expect(progressbar()).toBeNull();
      const report = dialogTitled('Import finished');
      expect(textOf(report)).toContain('“more-books.csv”: 3 records read, 1 rejected.');
      expect([...report.querySelectorAll('tbody td')].map(textOf)).toEqual(['3', '4', 'author', 'The author is required']);
      expect(titles().slice(0, 2)).toEqual(['Aardvark Days', 'Second']);
      expect(range()).toBe('1–8 of 44');

      button(report, 'Close').click();
      await settle();
      expect(openDialogTitles()).toEqual([]);
      expect(button(page, 'Import').hasAttribute('aria-disabled')).toBe(false);
    });

    it('aborts the upload on Cancel and gives the keyboard back to Import', async () => {
      await visit();
      await chooseFile();
      api.upload.sent(100);
      await settle();

      button(page, 'Cancel').click();
      await settle();

      expect(api.upload.aborted).toBe(true);
      expect(progressbar()).toBeNull();
      expect(document.activeElement).toBe(button(page, 'Import'));
      expect(TestBed.inject(Toaster).toasts()[0]).toMatchObject({ tone: 'info', message: expect.stringContaining('cancelled') });
      expect(openDialogTitles()).toEqual([]);
    });

    it('has the browser ask before leaving the page while a file uploads', async () => {
      await visit();
      const leave = () => {
        const event = new Event('beforeunload', { cancelable: true });
        window.dispatchEvent(event);
        return event.defaultPrevented;
      };
      expect(leave()).toBe(false);

      await chooseFile();
      expect(leave()).toBe(true);

      api.upload.finish();
      await settle();
      expect(leave()).toBe(false);
    });

    it('says why an import failed, and tries again on request', async () => {
      await visit();
      await chooseFile();

      api.upload.fail(problem(503, 'The books service is unavailable', 'No books-service replica is reachable right now.'));
      await settle();
      expect(textOf(page.querySelector('[role="alert"]'))).toContain(
        '“more-books.csv” could not be imported. No books-service replica is reachable right now.',
      );

      button(page, 'Try again').click();
      await settle();
      expect(api.uploads).toHaveLength(2);
      expect(page.querySelector('[role="alert"]')).toBeNull();
      expect(document.activeElement).toBe(button(page, 'Cancel'));
    });

    it('refuses a file it cannot import without sending it', async () => {
      await visit();
      await chooseFile(new File(['x'], 'books.xlsx'));

      expect(api.uploads).toEqual([]);
      expect(textOf(page.querySelector('[role="alert"]'))).toContain('“books.xlsx” is not a file the catalogue can import.');

      button(page, 'Dismiss').click();
      await settle();
      expect(page.querySelector('[role="alert"]')).toBeNull();
      expect(document.activeElement).toBe(button(page, 'Import'));
    });
  });

  describe('keyboard shortcuts', () => {
    const press = (key: string, init: KeyboardEventInit = {}, target: EventTarget = document.body) => {
      const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...init });
      target.dispatchEvent(event);
      return event;
    };

    it('focuses the search on "/" and opens a new book on "n"', async () => {
      await visit();

      expect(press('/').defaultPrevented).toBe(true);
      expect(document.activeElement).toBe(field(page, 'Search'));

      (document.activeElement as HTMLElement).blur();
      press('n');
      await settle();
      expect(openDialogTitles()).toEqual(['Add book']);
    });

    it('leaves keys alone while typing, with a modifier, or over a dialog', async () => {
      await visit();

      expect(press('n', {}, field(page, 'Search')).defaultPrevented).toBe(false);
      expect(press('/', {}, field<HTMLSelectElement>(page, 'Show')).defaultPrevented).toBe(false);
      expect(press('n', { ctrlKey: true }).defaultPrevented).toBe(false);
      expect(press('/', { metaKey: true }).defaultPrevented).toBe(false);
      expect(press('n', { altKey: true }).defaultPrevented).toBe(false);
      await settle();
      expect(openDialogTitles()).toEqual([]);

      press('n');
      await settle();
      press('n');
      await settle();
      expect(openDialogTitles()).toEqual(['Add book']);
    });

    it('says so on the page and on the controls', async () => {
      await visit();

      expect(textOf(page.querySelector('.shortcuts'))).toBe('Keyboard shortcuts: / search, N add a book.');
      expect(field(page, 'Search').getAttribute('aria-keyshortcuts')).toBe('/');
      expect(button(page, 'Add book').getAttribute('aria-keyshortcuts')).toBe('n');
    });
  });

  describe('empty states', () => {
    it('names the search and the filter together', async () => {
      api.books = api.books.map((book) => ({ ...book, read: true }));
      await visit('/?q=title&read=false');

      expect(textOf(page.querySelector('h2'))).toBe('No unread books match “title”');
      button(page, 'Show all books').click();
      await settle();
      expect(titles()).toHaveLength(8);
    });

    it('names the filter alone', async () => {
      await visit('/?read=true');

      expect(textOf(page.querySelector('h2'))).toBe('No read books');
      expect(queryButton(page, 'Clear search')).toBeUndefined();
      expect(queryButton(page, 'Show all books')).toBeDefined();
    });
  });

  it('marks a book read from its row', async () => {
    await visit();

    field(page, 'Read: Title 01').click();
    await settle(REFRESH_COALESCE_MS + 50);

    expect(api.callsTo('patch')).toEqual([
      { method: 'patch', id: api.books[0].id, changes: { read: true }, expectedVersion: 1 },
    ]);
    expect(field(page, 'Read: Title 01').checked).toBe(true);
    expect(TestBed.inject(Toaster).toasts()[0]).toMatchObject({ message: 'Marked “Title 01” as read.' });
  });

  it('shows a book just added, on request, and moves the keyboard to it', async () => {
    await visit('/?page=3');
    button(page, 'Add book').click();
    await settle();
    const dialog = dialogTitled('Add book');
    type(field(dialog, 'Title'), 'Aardvark');
    type(field(dialog, 'Author'), 'Zed Zimmer');
    button(dialog, 'Save').click();
    await settle(REFRESH_COALESCE_MS + 50);

    const toaster = TestBed.inject(Toaster);
    const [toast] = toaster.toasts();
    expect(toast).toMatchObject({ message: 'Added “Aardvark”.', action: { label: 'Show' } });
    toaster.act(toast.id);
    await settle(REFRESH_COALESCE_MS + 50);

    expect(titles()[0]).toBe('Aardvark');
    expect(page.querySelector('tbody tr')?.classList).toContain('is-highlighted');
    expect(textOf(document.activeElement)).toBe('Aardvark');
    expect(textOf(page.querySelector('.sort-note'))).toContain('Newest first');
  });

  it('opens a book’s own page from its title', async () => {
    await visit();

    page.querySelector<HTMLAnchorElement>('tbody a')!.click();
    await settle();

    expect(TestBed.inject(Router).url).toBe(`/books/${api.books[0].id}`);
  });

  describe('with sign-in on', () => {
    let client: FakeAuthClient;

    beforeEach(async () => {
      client = new FakeAuthClient();
      TestBed.configureTestingModule({ providers: [client.provide()] });
      await startAuth();
    });

    const controls = () => ({
      add: !!queryButton(page, 'Add book'),
      import: !!queryButton(page, 'Import'),
      edit: !!queryButton(page, 'Edit Title 01'),
      delete: !!queryButton(page, 'Delete Title 01'),
      read: !!page.querySelector('input[type="checkbox"]'),
      history: !!queryButton(page, 'History of Title 01'),
      export: !!queryButton(page, 'Export'),
    });

    it('shows a visitor who is not signed in only what reads: the list, search, history, export', async () => {
      await visit();

      expect(controls()).toEqual({ add: false, import: false, edit: false, delete: false, read: false, history: true, export: true });
      expect(field(page, 'Search')).toBeDefined();
    });

    it('shows a reader the same, and "n" adds nothing', async () => {
      client.signInAs('Rita Reader', ['reader']);
      await visit();

      document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'n', bubbles: true, cancelable: true }));
      await settle();

      expect(controls()).toEqual({ add: false, import: false, edit: false, delete: false, read: false, history: true, export: true });
      expect(openDialogTitles()).toEqual([]);
      expect(textOf(page.querySelector('.shortcuts'))).toBe('Keyboard shortcuts: / search.');
    });

    it('shows an editor everything but Import, and an admin everything', async () => {
      client.signInAs('Ed Editor', ['editor']);
      await visit();
      expect(controls()).toEqual({ add: true, import: false, edit: true, delete: true, read: true, history: true, export: true });

      client.signInAs('Ada Admin', ['admin']);
      await settle();
      expect(controls()).toEqual({ add: true, import: true, edit: true, delete: true, read: true, history: true, export: true });
    });

    it('opens the form again with the draft kept when the user left to sign in again', async () => {
      client.signInAs('Ed Editor', ['editor']);
      const book = api.books[0];
      keepDraft({ book, values: { ...draftOf(book), title: 'My unsaved title' } });

      await visit();

      const dialog = dialogTitled('Edit book');
      expect(field(dialog, 'Title').value).toBe('My unsaved title');
      expect(textOf(dialog.querySelector('[role="status"]'))).toBe('Your unsaved changes are back. Save to keep them.');

      button(dialog, 'Save').click();
      await settle();
      expect(api.callsTo('replace')).toEqual([expect.objectContaining({ id: book.id, expectedVersion: book.version })]);
    });
  });
});
