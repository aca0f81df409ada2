import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { button, textOf } from '../../testing/dom';
import { ExportMenu } from './export-menu';

describe('ExportMenu', () => {
  let fixture: ComponentFixture<ExportMenu>;
  let element: HTMLElement;

  beforeEach(async () => {
    fixture = TestBed.createComponent(ExportMenu);
    element = fixture.nativeElement;
    document.body.appendChild(element);
    await fixture.whenStable();
  });

  afterEach(() => element.remove());

  const exportButton = () => button(element, 'Export');
  const panel = () => document.getElementById(exportButton().getAttribute('aria-controls')!)!;
  const links = () => [...element.querySelectorAll('a')];

  async function openMenu(): Promise<void> {
    exportButton().click();
    await fixture.whenStable();
  }

  it('is closed until asked', () => {
    expect(exportButton().getAttribute('aria-expanded')).toBe('false');
    expect(panel().hidden).toBe(true);
  });

  it('offers each format as a plain download link', async () => {
    await openMenu();

    expect(exportButton().getAttribute('aria-expanded')).toBe('true');
    expect(panel().hidden).toBe(false);
    expect(
      links().map((link) => ({ name: textOf(link), href: link.getAttribute('href'), download: link.getAttribute('download') })),
    ).toEqual([
      { name: 'CSV for spreadsheets', href: '/api/books/export?format=csv', download: 'books.csv' },
      { name: 'NDJSON one book per line', href: '/api/books/export?format=ndjson', download: 'books.ndjson' },
      { name: 'JSON one array', href: '/api/books/export?format=json', download: 'books.json' },
    ]);
  });

  it('closes on Escape and gives the keyboard back to the button', async () => {
    await openMenu();
    links()[1].focus();

    links()[1].dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    await fixture.whenStable();

    expect(panel().hidden).toBe(true);
    expect(document.activeElement).toBe(exportButton());
  });

  it('closes when the focus or a click goes elsewhere', async () => {
    await openMenu();
    links()[2].dispatchEvent(new FocusEvent('focusout', { bubbles: true, relatedTarget: document.body }));
    await fixture.whenStable();
    expect(panel().hidden).toBe(true);

    await openMenu();
    document.body.click();
    await fixture.whenStable();
    expect(panel().hidden).toBe(true);
  });

  it('stays open while the focus moves between its links', async () => {
    await openMenu();

    links()[0].dispatchEvent(new FocusEvent('focusout', { bubbles: true, relatedTarget: links()[1] }));
    await fixture.whenStable();

    expect(panel().hidden).toBe(false);
  });

  it('closes once a format is chosen, keeping the keyboard on Export', async () => {
    await openMenu();
    // jsdom would try to navigate; the browser downloads.
    links()[0].addEventListener('click', (event) => event.preventDefault());
    links()[0].focus();

    links()[0].click();
    await fixture.whenStable();

    expect(panel().hidden).toBe(true);
    expect(document.activeElement).toBe(exportButton());
  });
});
