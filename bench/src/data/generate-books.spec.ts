import { BookInputSchema, type BookInput, maxBookYear, searchKey } from '@books/contracts';
import { DEFAULT_LATEST_YEAR, generateBooks } from './generate-books';
import { TITLE_LANGUAGES } from './word-lists';

const books = (count: number, seed = 1) => Array.from(generateBooks({ count, seed }));
const share = (list: BookInput[], test: (book: BookInput) => boolean) => list.filter(test).length / list.length;

describe(generateBooks.name, () => {
  const sample = books(20_000);

  it('makes exactly the books asked for', () => {
    expect(books(0)).toEqual([]);
    expect(books(1)).toHaveLength(1);
    expect(sample).toHaveLength(20_000);
  });

  it('gives the same books for the same seed, and other books for another', () => {
    expect(books(2_000, 42)).toEqual(books(2_000, 42));
    expect(books(2_000, 43)).not.toEqual(books(2_000, 42));
  });

  it('continues a smaller data set when asked for more', () => {
    expect(sample.slice(0, 500)).toEqual(books(500));
  });

  it('makes books the API takes as they are: valid, trimmed, NFC, every field given', () => {
    for (const book of sample) expect(BookInputSchema.parse(book)).toEqual(book);
  });

  it('never repeats a book by folded title, author and year (how an import without ids names one)', () => {
    const keys = new Set(sample.map((book) => [searchKey(book.title), searchKey(book.author), book.year].join('\u0000')));
    expect(keys.size).toBe(sample.length);
  });

  it('leaves about 8 % of years and 20 % of scores unknown', () => {
    expect(share(sample, (book) => book.year === null)).toBeGreaterThan(0.06);
    expect(share(sample, (book) => book.year === null)).toBeLessThan(0.1);
    expect(share(sample, (book) => book.score === null)).toBeGreaterThan(0.17);
    expect(share(sample, (book) => book.score === null)).toBeLessThan(0.23);
    expect(share(sample, (book) => book.read)).toBeGreaterThan(0.3);
  });

  it('spans years from before the common era to next year, without a year 0', () => {
    const years = sample.map((book) => book.year).filter((year) => year !== null);
    expect(Math.min(...years)).toBeLessThan(-700);
    expect(Math.max(...years)).toBe(DEFAULT_LATEST_YEAR);
    expect(DEFAULT_LATEST_YEAR).toBeLessThanOrEqual(maxBookYear());
    expect(years).not.toContain(0);
    expect(new Set(sample.map((book) => book.score))).toEqual(new Set([null, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]));
  });

  it('takes the latest year it is given', () => {
    const years = Array.from(generateBooks({ count: 5_000, seed: 1, latestYear: 1990 }), (book) => book.year ?? 0);
    expect(Math.max(...years)).toBe(1990);
  });

  it('writes names and titles as real catalogues hold them', () => {
    const authors = sample.map((book) => book.author).join('\n');
    const titles = sample.map((book) => book.title).join('\n');
    for (const letter of ['é', 'ø', 'ñ', 'ü', 'ł', 'ş', 'ễ']) expect(authors).toContain(letter);
    expect(authors).toMatch(/O’Brien/);
    expect(authors).toMatch(/O'Brien/);
    expect(titles).toMatch(/[А-я]/);
    expect(titles).toMatch(/\p{Script=Han}/u);
    expect(titles).toContain(',');
    expect(titles).toContain('"');
    expect(new Set(sample.map((book) => book.title)).size).toBeGreaterThan(sample.length / 5);
    expect(new Set(sample.map((book) => book.author)).size).toBeGreaterThan(sample.length / 5);
  });

  it('refuses a count or seed it cannot honour', () => {
    expect(() => books(-1)).toThrow('The count must be a whole number');
    expect(() => books(1, 2 ** 32)).toThrow('The seed must be a whole number');
    expect(() => books(1, 1.5)).toThrow('The seed must be a whole number');
  });
});

describe('TITLE_LANGUAGES', () => {
  it.each(Object.entries(TITLE_LANGUAGES))('%s has words for every slot of its patterns', (_, language) => {
    const words: Record<string, readonly string[]> = language.words;
    for (const pattern of language.patterns) {
      for (const [, slot] of pattern.matchAll(/\{(\w+)\}/g)) expect(words[slot]?.length).toBeGreaterThanOrEqual(3);
    }
  });
});
