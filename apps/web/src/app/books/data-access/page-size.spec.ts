import { TestBed } from '@angular/core/testing';
import { PAGE_SIZE_STORAGE_KEY, PageSizePreference, fittingPageSize } from './page-size';

describe('page size', () => {
  it('fits the rows to the screen: a laptop gets 8, a tall monitor more, a phone the least', () => {
    expect(fittingPageSize(1280, 800)).toBe(8);
    expect(fittingPageSize(1920, 1200)).toBe(12);
    expect(fittingPageSize(1920, 1440)).toBe(16);
    expect(fittingPageSize(390, 844)).toBe(8);
  });

  it('never picks "all" by itself', () => {
    expect(fittingPageSize(2560, 20_000)).toBe(32);
  });

  it('prefers the size the user chose last time, kept in localStorage', () => {
    localStorage.setItem(PAGE_SIZE_STORAGE_KEY, '100');
    expect(TestBed.inject(PageSizePreference).size).toBe(100);
  });

  it('fits the screen when nothing, or nothing sensible, is remembered', () => {
    localStorage.setItem(PAGE_SIZE_STORAGE_KEY, '7');
    // jsdom's window is 1024 × 768.
    expect(TestBed.inject(PageSizePreference).size).toBe(8);
  });

  it('remembers a choice', () => {
    TestBed.inject(PageSizePreference).remember(16);
    expect(localStorage.getItem(PAGE_SIZE_STORAGE_KEY)).toBe('16');
  });

  it('carries on when storage is refused', () => {
    const setItem = jest.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('Quota exceeded', 'QuotaExceededError');
    });
    try {
      expect(() => TestBed.inject(PageSizePreference).remember(16)).not.toThrow();
    } finally {
      setItem.mockRestore();
    }
  });
});
