import { type ComponentFixture, TestBed } from '@angular/core/testing';
import type { ImportState } from '../../data-access/book-import.store';
import { button, queryButton, textOf } from '../../testing/dom';
import { ImportPanel, formatBytes } from './import-panel';

describe('ImportPanel', () => {
  let fixture: ComponentFixture<ImportPanel>;
  let element: HTMLElement;

  async function render(state: ImportState): Promise<void> {
    fixture.componentRef.setInput('state', state);
    await fixture.whenStable();
  }

  const progressbar = () => element.querySelector<HTMLElement>('[role="progressbar"]');
  const announced = () => textOf(element.querySelector('[role="status"]'));

  beforeEach(() => {
    fixture = TestBed.createComponent(ImportPanel);
    element = fixture.nativeElement;
  });

  it('shows nothing but an empty live region when no import runs', async () => {
    await render({ status: 'idle' });

    expect(element.querySelector('section, [role="alert"]')).toBeNull();
    expect(announced()).toBe('');
  });

  it('shows the share of bytes uploaded, named by the file', async () => {
    await render({ status: 'uploading', fileName: 'books.csv', loaded: 1_150_000, total: 2_500_000 });

    const bar = progressbar()!;
    expect(document.getElementById(bar.getAttribute('aria-labelledby')!)?.textContent).toBe('Importing “books.csv”');
    expect(bar.getAttribute('aria-valuenow')).toBe('46');
    expect(bar.getAttribute('aria-valuemin')).toBe('0');
    expect(bar.getAttribute('aria-valuemax')).toBe('100');
    expect(bar.getAttribute('aria-valuetext')).toBe('46% uploaded (1.1 MB of 2.5 MB)');
    expect(textOf(element.querySelector('.import-panel__detail'))).toBe('46% · 1.1 MB of 2.5 MB uploaded');
  });

  it('turns indeterminate while the API processes the file', async () => {
    await render({ status: 'processing', fileName: 'books.csv' });

    expect(progressbar()?.hasAttribute('aria-valuenow')).toBe(false);
    expect(progressbar()?.getAttribute('aria-valuetext')).toBe('Processing…');
    expect(textOf(element)).toContain('Processing… The catalogue is reading the file and saving its books.');
  });

  it('announces each phase once, not each percent', async () => {
    await render({ status: 'uploading', fileName: 'books.csv', loaded: 0, total: 100 });
    expect(announced()).toBe('Uploading “books.csv”.');

    await render({ status: 'uploading', fileName: 'books.csv', loaded: 50, total: 100 });
    expect(announced()).toBe('Uploading “books.csv”.');

    await render({ status: 'processing', fileName: 'books.csv' });
    expect(announced()).toBe('Upload complete. Importing the books of “books.csv”…');
  });

  it('cancels, with a button that says what it cancels', async () => {
    const cancelled = jest.fn();
    fixture.componentInstance.cancelImport.subscribe(cancelled);
    await render({ status: 'uploading', fileName: 'books.csv', loaded: 0, total: 100 });

    const cancel = button(element, 'Cancel');
    expect(document.getElementById(cancel.getAttribute('aria-describedby')!)?.textContent).toBe('Importing “books.csv”');
    cancel.click();

    expect(cancelled).toHaveBeenCalledTimes(1);
  });

  it('shows why an import failed as an alert, offering to try again when that may help', async () => {
    const retried = jest.fn();
    const dismissed = jest.fn();
    fixture.componentInstance.retry.subscribe(retried);
    fixture.componentInstance.dismiss.subscribe(dismissed);
    await render({ status: 'failed', fileName: 'books.csv', message: 'The books service cannot be reached.', retryable: true });

    expect(textOf(element.querySelector('[role="alert"]'))).toContain('The books service cannot be reached.');
    button(element, 'Try again').click();
    button(element, 'Dismiss').click();
    expect(retried).toHaveBeenCalledTimes(1);
    expect(dismissed).toHaveBeenCalledTimes(1);

    await render({ status: 'failed', fileName: 'books.csv', message: 'Too large.', retryable: false });
    expect(queryButton(element, 'Try again')).toBeUndefined();
  });

  it('moves the keyboard to its first button on request', async () => {
    await render({ status: 'uploading', fileName: 'books.csv', loaded: 0, total: 100 });
    document.body.appendChild(element);

    fixture.componentInstance.focus();

    expect(document.activeElement).toBe(button(element, 'Cancel'));
    element.remove();
  });
});

describe('formatBytes', () => {
  it('reads as a file manager shows sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(48_200)).toBe('48 kB');
    expect(formatBytes(4_630_000)).toBe('4.6 MB');
  });
});
