import { ComponentFixture, TestBed } from '@angular/core/testing';
import type { Book } from '@books/contracts';
import { aBook } from '../../testing/books.fixtures';
import { button, field, textOf } from '../../testing/dom';
import { BookTable, type ReadChange } from './book-table';

describe('BookTable', () => {
  let fixture: ComponentFixture<BookTable>;
  let table: BookTable;
  let element: HTMLElement;
  const books = [
    aBook({ title: 'The Day of the Triffids', author: 'John Wyndham', year: 1951, score: 8, read: true }),
    aBook({ title: 'Epic of Gilgamesh', author: 'Unknown', year: -2100, score: null, read: false }),
  ];

  async function render(inputs: Partial<Record<keyof BookTable, unknown>> = {}): Promise<void> {
    fixture.componentRef.setInput('books', books);
    fixture.componentRef.setInput('sort', 'author');
    Object.entries(inputs).forEach(([name, value]) => fixture.componentRef.setInput(name, value));
    await fixture.whenStable();
  }

  const rows = () => [...element.querySelectorAll('tbody tr:not(.placeholder)')].map((row) => [...row.children].map(textOf));
  const header = (name: string) => button(element, name).closest('th')!;
  const readBox = (title: string) => field(element, `Read: ${title}`);
  const link = (title: string) => [...element.querySelectorAll<HTMLAnchorElement>('tbody a')].find((a) => textOf(a) === title)!;

  beforeEach(() => {
    fixture = TestBed.createComponent(BookTable);
    table = fixture.componentInstance;
    element = fixture.nativeElement;
  });

  it('shows each book: title, author, year, score or "unrated", read', async () => {
    await render();

    expect(textOf(element.querySelector('caption'))).toBe('Books');
    expect(rows()).toEqual([
      ['The Day of the Triffids', 'John Wyndham', '1951', '8', '', 'Edit History Delete'],
      ['Epic of Gilgamesh', 'Unknown', '2100 BCE', 'unrated', '', 'Edit History Delete'],
    ]);
    expect(readBox('The Day of the Triffids').checked).toBe(true);
    expect(readBox('Epic of Gilgamesh').checked).toBe(false);
  });

  it('marks the sorted column with aria-sort and an arrow', async () => {
    await render({ sort: 'author' });
    expect(header('Author').getAttribute('aria-sort')).toBe('ascending');
    expect(header('Title').hasAttribute('aria-sort')).toBe(false);
    expect(header('Author').querySelector('.sort-arrow')?.getAttribute('aria-hidden')).toBe('true');
    expect(header('Author').querySelector('.sort-arrow')?.textContent).toBe('↑');

    await render({ sort: '-author' });
    expect(header('Author').getAttribute('aria-sort')).toBe('descending');
    expect(header('Author').querySelector('.sort-arrow')?.textContent).toBe('↓');
  });

  it('asks to sort by the column whose header is clicked', async () => {
    const sorted = jest.fn();
    table.sortChange.subscribe(sorted);
    await render();

    button(element, 'Year').click();

    expect(sorted).toHaveBeenCalledWith('year');
  });

  it('has an Edit and a Delete button per row, named after the book', async () => {
    const edited = jest.fn<void, [Book]>();
    const removed = jest.fn<void, [Book]>();
    table.edit.subscribe(edited);
    table.remove.subscribe(removed);
    await render();

    button(element, 'Edit The Day of the Triffids').click();
    button(element, 'Delete Epic of Gilgamesh').click();

    expect(edited).toHaveBeenCalledWith(books[0]);
    expect(removed).toHaveBeenCalledWith(books[1]);
  });

  it('shows who may not edit only History, and Read as words, not a checkbox they cannot use', async () => {
    await render({ canEdit: false });

    expect(rows()).toEqual([
      ['The Day of the Triffids', 'John Wyndham', '1951', '8', 'Yes', 'History'],
      ['Epic of Gilgamesh', 'Unknown', '2100 BCE', 'unrated', 'No', 'History'],
    ]);
    expect(element.querySelector('input[type="checkbox"]')).toBeNull();
  });

  it('has a History button per row, named after the book', async () => {
    const shown = jest.fn<void, [Book]>();
    table.history.subscribe(shown);
    await render();

    button(element, 'History of Epic of Gilgamesh').click();

    expect(shown).toHaveBeenCalledWith(books[1]);
  });

  it('tells assistive technology when it is busy, and shows placeholders on a first load', async () => {
    await render({ books: [], busy: true, placeholderRows: 8 });

    expect(element.querySelector('table')?.getAttribute('aria-busy')).toBe('true');
    const placeholders = element.querySelectorAll('tr.placeholder');
    expect(placeholders).toHaveLength(8);
    expect([...placeholders].every((row) => row.getAttribute('aria-hidden') === 'true')).toBe(true);
  });

  it('highlights rows that just changed', async () => {
    await render({ highlighted: new Set([books[1].id]) });

    const [first, second] = element.querySelectorAll('tbody tr');
    expect(first.classList).not.toContain('is-highlighted');
    expect(second.classList).toContain('is-highlighted');
  });

  it('links each title to the book’s own page, with the full title on hover', async () => {
    const opened = jest.fn<void, [Book]>();
    table.open.subscribe(opened);
    await render();

    const triffids = link('The Day of the Triffids');
    expect(triffids.getAttribute('href')).toBe(`books/${books[0].id}`);
    expect(triffids.title).toBe('The Day of the Triffids');
    expect(element.querySelector('.cell-author span')?.getAttribute('title')).toBe('John Wyndham');

    const plain = new MouseEvent('click', { bubbles: true, cancelable: true, button: 0 });
    triffids.dispatchEvent(plain);
    expect(plain.defaultPrevented).toBe(true);
    expect(opened).toHaveBeenCalledWith(books[0]);
  });

  it('leaves a click with a modifier to the browser (a new tab)', async () => {
    const opened = jest.fn();
    table.open.subscribe(opened);
    await render();

    let leftToBrowser: boolean | undefined;
    // Seen after the table's handler; then stopped, as jsdom cannot open a new tab.
    element.addEventListener('click', (event) => {
      leftToBrowser = !event.defaultPrevented;
      event.preventDefault();
    });
    link('Epic of Gilgamesh').dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, button: 0, ctrlKey: true }));

    expect(leftToBrowser).toBe(true);
    expect(opened).not.toHaveBeenCalled();
  });

  it('asks to mark a book read or unread, and shows the state being saved', async () => {
    const changes = jest.fn<void, [ReadChange]>();
    table.readChange.subscribe(changes);
    await render();

    readBox('Epic of Gilgamesh').click();
    expect(changes).toHaveBeenCalledWith({ book: books[1], read: true });
    // Until the store says so, the box shows the book's state.
    expect(readBox('Epic of Gilgamesh').checked).toBe(false);

    await render({ readsSaving: new Map([[books[1].id, true]]) });
    expect(readBox('Epic of Gilgamesh').checked).toBe(true);
    expect(readBox('Epic of Gilgamesh').getAttribute('aria-busy')).toBe('true');

    await render({ readsSaving: new Map() });
    expect(readBox('Epic of Gilgamesh').checked).toBe(false);
  });

  it('moves the keyboard to a book on request', async () => {
    await render();

    table.focusBook(books[1].id);

    expect(document.activeElement).toBe(link('Epic of Gilgamesh'));
  });

  it('fixes its column widths, so paging, sorting and placeholders cannot move them', async () => {
    await render();

    expect([...element.querySelectorAll('col')].map((col) => col.className)).toEqual([
      'col-title',
      'col-author',
      'col-year',
      'col-score',
      'col-read',
      'col-actions',
    ]);
  });

  it('keeps room for a full page when asked, so a short last page does not pull the pager up', async () => {
    await render({ reserveRows: 16 });

    expect(element.style.getPropertyValue('--reserve-rows')).toBe('16');
  });

  it('makes rows anew for another page or sort, rather than moving them (a layout shift)', async () => {
    await render({ pageKey: 'page 1' });
    const [first] = element.querySelectorAll('tbody tr');

    await render({ pageKey: 'page 1', books: [books[1], books[0]] });
    expect(element.querySelectorAll('tbody tr')[1]).toBe(first);

    await render({ pageKey: 'page 2', books: [books[1], books[0]] });
    expect([...element.querySelectorAll('tbody tr')]).not.toContain(first);
  });
});
