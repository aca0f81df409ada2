import type { BookInput } from '@books/contracts';
import { encodeBooks } from './book-files';
import { generateBooks } from './generate-books';

const awkward: BookInput[] = [
  { title: '"Salt" and Other Stories', author: 'Seán O’Brien', year: -450, score: null, read: true },
  { title: 'Iron, Ink and Clay', author: "Aoife O'Brien", year: null, score: 0, read: false },
];
const text = (books: Iterable<BookInput>, format: 'ndjson' | 'csv' | 'json') => [...encodeBooks(books, format)].join('');

describe(encodeBooks.name, () => {
  it('writes NDJSON: one book per line', () => {
    expect(text(awkward, 'ndjson')).toBe(`${JSON.stringify(awkward[0])}\n${JSON.stringify(awkward[1])}\n`);
    expect(text([], 'ndjson')).toBe('');
  });

  it('writes CSV with a header, empty fields for null, and quotes where RFC 4180 needs them', () => {
    expect(text(awkward, 'csv')).toBe(
      ['title,author,year,score,read', '"""Salt"" and Other Stories",Seán O’Brien,-450,,true', `"Iron, Ink and Clay",Aoife O'Brien,,0,false`, ''].join('\n'),
    );
    expect(text([], 'csv')).toBe('title,author,year,score,read\n');
  });

  it('writes JSON: an array that parses back to the books', () => {
    expect(JSON.parse(text(awkward, 'json'))).toEqual(awkward);
    expect(text([], 'json')).toBe('[]\n');
  });

  it('streams in chunks of about 64 KiB, encoding books only as they are read', () => {
    let made = 0;
    const counted = (function* () {
      for (const book of generateBooks({ count: 10_000, seed: 1 })) {
        made++;
        yield book;
      }
    })();
    const chunks = encodeBooks(counted, 'ndjson');
    const first = chunks.next();
    expect(first.value.length).toBeGreaterThanOrEqual(64 * 1024);
    expect(first.value.length).toBeLessThan(65 * 1024);
    expect(made).toBeLessThan(1_000);
    const rest = [...chunks];
    expect(made).toBe(10_000);
    expect((first.value + rest.join('')).split('\n')).toHaveLength(10_001);
  });
});
