import {
  describeImportError,
  importContentType,
  isRetryable,
  prepareImport,
  rejectionsCsv,
  rejectionsFileName,
} from './book-import';
import { ApiError } from './problem';

describe('importContentType', () => {
  it.each([
    ['books.csv', '', 'text/csv'],
    ['BOOKS.CSV', 'application/vnd.ms-excel', 'text/csv'],
    ['books.ndjson', '', 'application/x-ndjson'],
    ['books.jsonl', '', 'application/x-ndjson'],
    ['books.json', 'application/json', 'application/json'],
    ['export', 'text/csv', 'text/csv'],
  ])('sends %s (browser type "%s") as %s', (name, type, expected) => {
    expect(importContentType({ name, type })).toBe(expected);
  });

  it.each([
    ['books.txt', 'text/plain'],
    ['books.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    ['books.constructor', ''],
    ['books', ''],
  ])('has no type for %s', (name, type) => {
    expect(importContentType({ name, type })).toBeUndefined();
  });
});

describe('prepareImport', () => {
  it('sends a file in a format the API reads', () => {
    expect(prepareImport({ name: 'books.ndjson', type: '', size: 10 })).toEqual({ contentType: 'application/x-ndjson' });
  });

  it('refuses other files before sending them, saying what to choose instead', () => {
    expect(prepareImport({ name: 'books.xlsx', type: '', size: 10 })).toEqual({
      refusal: '“books.xlsx” is not a file the catalogue can import. Choose a CSV, NDJSON or JSON file (.csv, .ndjson, .jsonl or .json).',
    });
  });

  it('refuses an empty file', () => {
    expect(prepareImport({ name: 'books.csv', type: 'text/csv', size: 0 })).toEqual({
      refusal: '“books.csv” is empty: there is nothing to import.',
    });
  });
});

describe('describeImportError', () => {
  const error = (status: number, detail = '', unreachable = false) => new ApiError({ status, title: 'Title', detail, unreachable });

  it('says a file is too large, and what to do about it', () => {
    expect(describeImportError(error(413, 'The request body is larger than the server accepts.'), 'all.csv')).toBe(
      '“all.csv” is too large to import. Split it into smaller files and import them one at a time.',
    );
  });

  it('says which files can be imported after a 415', () => {
    expect(describeImportError(error(415, 'Unsupported media type'), 'books.txt')).toMatch(
      /^“books\.txt” is not a file the catalogue can import\. Choose a CSV, NDJSON or JSON file/,
    );
  });

  it('passes on what the API says is wrong with the file', () => {
    expect(describeImportError(error(400, 'A JSON import must be an array of books.'), 'books.json')).toBe(
      '“books.json” could not be imported. A JSON import must be an array of books.',
    );
  });

  it('says the upload broke off, and that sending it again is safe', () => {
    const message = describeImportError(error(0, '', true), 'books.csv');

    expect(message).toMatch(/^“books\.csv” was not fully imported: the books service cannot be reached\./);
    expect(message).toContain('will not be added twice');
  });

  it('tells which failures are worth a second try', () => {
    expect(isRetryable(error(0, '', true))).toBe(true);
    expect(isRetryable(error(503))).toBe(true);
    expect(isRetryable(error(429))).toBe(true);
    expect(isRetryable(error(413))).toBe(false);
    expect(isRetryable(error(400))).toBe(false);
  });
});

describe('rejectionsCsv', () => {
  it('writes one row per rejection under a header, leaving absent values empty', () => {
    const csv = rejectionsCsv([
      { record: 2, line: 3, field: 'year', reason: 'The year must be a whole number' },
      { record: 7, reason: 'A record must be an object with a title and an author' },
    ]);

    expect(csv).toBe(
      '\uFEFFrecord,line,field,reason\r\n' +
        '2,3,year,The year must be a whole number\r\n' +
        '7,,,A record must be an object with a title and an author\r\n',
    );
  });

  it('quotes what needs quoting, and keeps spreadsheets from running a cell as a formula', () => {
    const csv = rejectionsCsv([
      { record: 1, field: 'title', reason: 'Too long: "War, and Peace"\nand more' },
      { record: 2, field: 'author', reason: '=HYPERLINK("http://example.test")' },
    ]);

    expect(csv.split('\r\n').slice(1, 3)).toEqual([
      '1,,title,"Too long: ""War, and Peace""\nand more"',
      `2,,author,"'=HYPERLINK(""http://example.test"")"`,
    ]);
  });
});

describe('rejectionsFileName', () => {
  it('names the report after the file', () => {
    expect(rejectionsFileName('books.csv')).toBe('books-rejections.csv');
    expect(rejectionsFileName('my.books.jsonl')).toBe('my.books-rejections.csv');
    expect(rejectionsFileName('.json')).toBe('import-rejections.csv');
  });
});
