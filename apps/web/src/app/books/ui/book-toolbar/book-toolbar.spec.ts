import { ComponentFixture, TestBed } from '@angular/core/testing';
import { button, choose, field, queryButton, type } from '../../testing/dom';
import { BookToolbar, SEARCH_DEBOUNCE_MS } from './book-toolbar';

describe('BookToolbar', () => {
  let fixture: ComponentFixture<BookToolbar>;
  let element: HTMLElement;
  let searches: jest.Mock;

  function render(q = '', read = 'all'): void {
    fixture.componentRef.setInput('q', q);
    fixture.componentRef.setInput('read', read);
    fixture.detectChanges();
  }

  beforeEach(() => {
    jest.useFakeTimers();
    fixture = TestBed.createComponent(BookToolbar);
    element = fixture.nativeElement;
    searches = jest.fn();
    fixture.componentInstance.searchChange.subscribe(searches);
  });

  afterEach(() => jest.useRealTimers());

  it('searches once the user pauses typing', () => {
    render();
    const search = field(element, 'Search');

    type(search, 'wy');
    jest.advanceTimersByTime(SEARCH_DEBOUNCE_MS - 50);
    type(search, 'wyndham ');
    jest.advanceTimersByTime(SEARCH_DEBOUNCE_MS - 1);
    expect(searches).not.toHaveBeenCalled();

    jest.advanceTimersByTime(1);
    expect(searches).toHaveBeenCalledTimes(1);
    expect(searches).toHaveBeenCalledWith('wyndham');
  });

  it('does not search again for what is already shown', () => {
    render('road');

    type(field(element, 'Search'), 'road ');
    jest.advanceTimersByTime(SEARCH_DEBOUNCE_MS);

    expect(searches).not.toHaveBeenCalled();
  });

  it('keeps what the user typed on when their own search comes back from the URL', () => {
    render();
    const search = field(element, 'Search');
    type(search, 'wy');
    jest.advanceTimersByTime(SEARCH_DEBOUNCE_MS);
    type(search, 'wyn');

    render('wy');

    expect(search.value).toBe('wyn');
  });

  it('shows a search that comes from elsewhere, like "Clear search" or the back button', () => {
    render('road');
    const search = field(element, 'Search');
    expect(search.value).toBe('road');

    render('');

    expect(search.value).toBe('');
  });

  it('filters all, read or unread books', () => {
    const filters = jest.fn();
    fixture.componentInstance.readChange.subscribe(filters);
    render('', 'unread');
    const show = field<HTMLSelectElement>(element, 'Show');

    expect([...show.options].map((option) => option.text)).toEqual(['All books', 'Read', 'Unread']);
    expect(show.value).toBe('unread');
    choose(show, 'read');
    expect(filters).toHaveBeenCalledWith('read');
  });

  it('has the "Add book" button', () => {
    const added = jest.fn();
    fixture.componentInstance.addBook.subscribe(added);
    render();

    button(element, 'Add book').click();

    expect(added).toHaveBeenCalled();
  });

  describe('Import', () => {
    const fileInput = () => element.querySelector<HTMLInputElement>('input[type="file"]')!;

    function choose(file: File): void {
      Object.defineProperty(fileInput(), 'files', { value: [file], configurable: true });
      fileInput().dispatchEvent(new Event('change'));
    }

    it('opens the file picker for the formats the API reads', () => {
      render();
      const picked = jest.spyOn(fileInput(), 'click').mockImplementation(() => undefined);

      button(element, 'Import').click();

      expect(picked).toHaveBeenCalledTimes(1);
      expect(fileInput().accept).toBe('.csv,.ndjson,.jsonl,.json');
    });

    it('passes on the file chosen', () => {
      const chosen = jest.fn();
      fixture.componentInstance.importFile.subscribe(chosen);
      render();
      const file = new File(['title,author'], 'books.csv');

      choose(file);

      expect(chosen).toHaveBeenCalledWith(file);
      expect(fileInput().value).toBe('');
    });

    it('waits, still focusable, while an import runs', () => {
      fixture.componentRef.setInput('importing', true);
      render();
      const picked = jest.spyOn(fileInput(), 'click').mockImplementation(() => undefined);
      const importButton = button(element, 'Import');

      importButton.click();

      expect(picked).not.toHaveBeenCalled();
      expect(importButton.disabled).toBe(false);
      expect(importButton.getAttribute('aria-disabled')).toBe('true');
      expect(document.getElementById(importButton.getAttribute('aria-describedby')!)?.textContent).toBe('An import is under way.');
    });
  });

  it('leaves out Add and Import for who may not use them; search and Export stay', () => {
    fixture.componentRef.setInput('canAdd', false);
    fixture.componentRef.setInput('canImport', false);
    render();

    expect(queryButton(element, 'Add book')).toBeUndefined();
    expect(queryButton(element, 'Import')).toBeUndefined();
    expect(element.querySelector('input[type="file"]')).toBeNull();
    expect(field(element, 'Search')).toBeDefined();
    expect(button(element, 'Export')).toBeDefined();
  });

  it('shows Add without Import to an editor', () => {
    fixture.componentRef.setInput('canImport', false);
    render();

    expect(button(element, 'Add book')).toBeDefined();
    expect(queryButton(element, 'Import')).toBeUndefined();
  });

  it('has the Export menu', () => {
    render();

    expect(button(element, 'Export').getAttribute('aria-expanded')).toBe('false');
  });

  describe('Add, once scrolled out of sight', () => {
    let report: (entries: Partial<IntersectionObserverEntry>[]) => void;

    beforeEach(() => {
      Object.assign(globalThis, {
        IntersectionObserver: class {
          constructor(callback: (entries: Partial<IntersectionObserverEntry>[]) => void) {
            report = callback;
          }
          observe(): void {
            // The test reports.
          }
          disconnect(): void {
            // Nothing to stop.
          }
        },
      });
    });

    afterEach(() => delete (globalThis as Partial<typeof globalThis>).IntersectionObserver);

    it('floats (on phones, by the stylesheet), and goes back when its place is in sight', async () => {
      render();
      await fixture.whenStable();
      const floating = () => button(element, 'Add book').closest('.is-floating');
      expect(floating()).toBeNull();

      report([{ isIntersecting: false }]);
      fixture.detectChanges();
      // Search floats with it, the one place it is shown.
      expect(floating()?.contains(button(element, 'Search'))).toBe(true);

      report([{ isIntersecting: true }]);
      fixture.detectChanges();
      expect(floating()).toBeNull();
    });

    it('brings the search field back with the floating Search', async () => {
      render();
      await fixture.whenStable();
      report([{ isIntersecting: false }]);
      fixture.detectChanges();

      button(element, 'Search').click();

      expect(document.activeElement).toBe(field(element, 'Search'));
    });
  });

  it('names its shortcuts: / for search, n for Add', () => {
    render();

    expect(field(element, 'Search').getAttribute('aria-keyshortcuts')).toBe('/');
    expect(button(element, 'Add book').getAttribute('aria-keyshortcuts')).toBe('n');
    expect(button(element, 'Add book').title).toBe('Add a book (shortcut: N)');
  });
});
