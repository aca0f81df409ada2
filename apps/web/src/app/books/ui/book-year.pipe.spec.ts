import { BookYearPipe } from './book-year.pipe';

describe('BookYearPipe', () => {
  const pipe = new BookYearPipe();

  it.each([
    [1951, '1951'],
    [-2100, '2100 BCE'],
    [null, 'unknown'],
  ])('shows %p as "%s"', (year, shown) => {
    expect(pipe.transform(year)).toBe(shown);
  });
});
