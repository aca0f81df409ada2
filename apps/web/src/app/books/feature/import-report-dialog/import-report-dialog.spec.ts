import { Dialog } from '@angular/cdk/dialog';
import { ApplicationRef } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import type { ImportRejection, ImportReport } from '@books/contracts';
import { dialogTitled, openDialogTitles } from '../../testing/dialogs';
import { button, queryButton, textOf } from '../../testing/dom';
import { blobText, fakeObjectUrls } from '../../testing/object-urls';
import { REJECTIONS_PAGE, openImportReportDialog } from './import-report-dialog';

describe('ImportReportDialog', () => {
  const title = 'Import finished';
  let blobs: Map<string, Blob>;

  beforeEach(() => {
    blobs = fakeObjectUrls();
  });

  async function open(report: Partial<ImportReport>, fileName = 'books.csv'): Promise<HTMLElement> {
    const full = { received: 0, created: 0, updated: 0, unchanged: 0, rejected: 0, rejections: [], ...report };
    openImportReportDialog(TestBed.inject(Dialog), { fileName, report: full });
    await settle();
    return dialogTitled(title);
  }

  const settle = () => TestBed.inject(ApplicationRef).whenStable();

  const counts = (dialog: HTMLElement) =>
    Object.fromEntries([...dialog.querySelectorAll('.count')].map((count) => [textOf(count.querySelector('dt')), textOf(count.querySelector('dd'))]));
  const rows = (dialog: HTMLElement) => [...dialog.querySelectorAll('tbody tr')].map((row) => [...row.children].map(textOf));
  const headers = (dialog: HTMLElement) => [...dialog.querySelectorAll('thead th')].map(textOf);

  const rejections = (count: number): ImportRejection[] =>
    Array.from({ length: count }, (_, index) => ({ record: index + 1, line: index + 2, field: 'title', reason: 'The title is required' }));

  it('counts what became of each record, described by its summary', async () => {
    const dialog = await open({ received: 1204, created: 1150, updated: 30, unchanged: 24 });

    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(textOf(document.getElementById(dialog.getAttribute('aria-describedby')!))).toBe('“books.csv”: 1,204 records read, all imported.');
    expect(counts(dialog)).toEqual({ Added: '1,150', Updated: '30', Unchanged: '24', Rejected: '0' });
    expect(dialog.querySelector('table')).toBeNull();
    expect(dialog.querySelector('a[download]')).toBeNull();
  });

  it('says when a file had no records', async () => {
    const dialog = await open({ received: 0 }, 'empty.json');

    expect(textOf(dialog.querySelector('#import-report-summary'))).toBe('“empty.json” had no records to import.');
  });

  it('lists the rejections: record, line, field and reason, in a scrollable region the keyboard can reach', async () => {
    const dialog = await open({
      received: 3,
      created: 1,
      rejected: 2,
      rejections: [
        { record: 2, line: 3, field: 'year', reason: 'The year must be a whole number' },
        { record: 3, line: 4, reason: 'A record must be an object with a title and an author' },
      ],
    });

    expect(textOf(dialog.querySelector('#import-report-summary'))).toBe('“books.csv”: 3 records read, 2 rejected.');
    expect(dialog.querySelector('.count--alert dt')?.textContent).toBe('Rejected');
    expect(headers(dialog)).toEqual(['Record', 'Line', 'Field', 'Reason']);
    expect(rows(dialog)).toEqual([
      ['2', '3', 'year', 'The year must be a whole number'],
      ['3', '4', '', 'A record must be an object with a title and an author'],
    ]);
    const region = dialog.querySelector<HTMLElement>('[role="region"]')!;
    expect(region.tabIndex).toBe(0);
    expect(document.getElementById(region.getAttribute('aria-labelledby')!)?.textContent).toBe('Rejected records');
  });

  it('leaves out the line column when no rejection has a line (JSON files)', async () => {
    const dialog = await open({ received: 1, rejected: 1, rejections: [{ record: 1, field: 'author', reason: 'The author is required' }] }, 'books.json');

    expect(headers(dialog)).toEqual(['Record', 'Field', 'Reason']);
    expect(rows(dialog)).toEqual([['1', 'author', 'The author is required']]);
  });

  it('offers the rejections as a CSV download named after the file, freed when the dialog closes', async () => {
    const dialog = await open({ received: 1, rejected: 1, rejections: [{ record: 1, line: 2, field: 'title', reason: 'The title is required' }] });

    const link = dialog.querySelector<HTMLAnchorElement>('a[download]')!;
    expect(textOf(link)).toBe('Download report');
    expect(link.getAttribute('download')).toBe('books-rejections.csv');
    const blob = blobs.get(link.getAttribute('href')!)!;
    expect(blob.type).toBe('text/csv;charset=utf-8');
    expect(await blobText(blob)).toBe('\uFEFFrecord,line,field,reason\r\n1,2,title,The title is required\r\n');

    button(dialog, 'Close').click();
    await settle();
    expect(openDialogTitles()).toEqual([]);
    expect(blobs.size).toBe(0);
  });

  it(`shows ${REJECTIONS_PAGE} rows at a time, and more on request`, async () => {
    const dialog = await open({ received: 250, rejected: 250, rejections: rejections(250) });

    expect(rows(dialog)).toHaveLength(REJECTIONS_PAGE);
    expect(textOf(dialog.querySelector('.rejections__more'))).toBe(`Showing 100 of 250. Show 100 more`);

    button(dialog, 'Show 100 more').click();
    await settle();
    expect(rows(dialog)).toHaveLength(200);

    button(dialog, 'Show 50 more').click();
    await settle();
    expect(rows(dialog)).toHaveLength(250);
    expect(queryButton(dialog, 'Show 50 more')).toBeUndefined();
    expect(document.activeElement).toBe(dialog.querySelector('[role="region"]'));
  });

  it('says when the API listed only the first rejections', async () => {
    const dialog = await open({ received: 12_345, rejected: 12_345, rejections: rejections(3) });

    expect(textOf(dialog)).toContain('The first 3 of 12,345 are listed.');
  });
});
