import type { Book, SortKey } from '@books/contracts';
import { SORT_KEYS } from '@books/contracts';
import { CatalogueIndex, type IndexQuery } from './catalogue-index';

let clock = Date.UTC(2026, 0, 1);
function book(title: string, author: string, fields: Partial<Book> = {}): Book {
  const at = new Date((clock += 1000)).toISOString();
  const id = fields.id ?? `00000000-0000-4000-8000-${String(clock).slice(-12)}`;
  return { id, title, author, year: null, score: null, read: false, version: 1, createdAt: at, updatedAt: at, ...fields };
}

function indexOf(books: Book[]): CatalogueIndex {
  const index = new CatalogueIndex();
  index.apply(books.map((b) => ({ id: b.id, version: b.version, book: b })));
  return index;
}

const titles = (page: { items: Book[] }) => page.items.map((b) => b.title);

/** Reads a whole list by following cursors. */
function walk(index: CatalogueIndex, query: Omit<IndexQuery, 'offset'>): Book[] {
  const seen: Book[] = [];
  let page = index.page({ ...query, offset: 0 });
  seen.push(...page.items);
  while (page.next) {
    page = index.page({ ...query, offset: 0, after: page.next });
    seen.push(...page.items);
  }
  return seen;
}

describe('CatalogueIndex', () => {
  const road = book('The Road', 'Cormac McCarthy', { year: 2006, score: 9 });
  const wyndham = book('The Day of the Triffids', 'John Wyndham', { year: 1951, score: 8, read: true });
  const obrien = book('Z for Zachariah', 'Robert C. O’Brien', { year: 1974 });
  const emile = book('Station Eleven', 'Émile St. John', { score: 7 });
  const older = book('The Epic of Gilgamesh', 'Anonymous', { year: -1200, score: 10, read: true });
  const all = [road, wyndham, obrien, emile, older];

  it('sorts empty years and scores last in both directions, ties by id', () => {
    const index = indexOf(all);
    expect(titles(index.page({ sort: 'year', offset: 0, limit: 10 }))).toEqual([older.title, wyndham.title, obrien.title, road.title, emile.title]);
    expect(titles(index.page({ sort: '-year', offset: 0, limit: 10 }))).toEqual([road.title, obrien.title, wyndham.title, older.title, emile.title]);
    expect(titles(index.page({ sort: 'score', offset: 0, limit: 10 }))).toEqual([emile.title, wyndham.title, road.title, older.title, obrien.title]);
    expect(titles(index.page({ sort: '-score', offset: 0, limit: 10 }))).toEqual([older.title, road.title, wyndham.title, emile.title, obrien.title]);
  });

  it('sorts text by its folded form: accents and case do not matter', () => {
    const index = indexOf(all);
    expect(index.page({ sort: 'author', offset: 0, limit: 10 }).items.map((b) => b.author)).toEqual([
      'Anonymous',
      'Cormac McCarthy',
      'Émile St. John',
      'John Wyndham',
      'Robert C. O’Brien',
    ]);
  });

  it('finds books whose title or author has every word, in any order, case, accents and apostrophes folded', () => {
    const index = indexOf(all);
    const search = (q: string) => titles(index.page({ sort: 'title', offset: 0, limit: 10, q }));
    expect(search('mccarthy road')).toEqual(['The Road']);
    expect(search('ROAD McCarthy')).toEqual(['The Road']);
    expect(search('emile')).toEqual(['Station Eleven']);
    expect(search("o'brien")).toEqual(['Z for Zachariah']);
    expect(search('o‘brien zach')).toEqual(['Z for Zachariah']);
    expect(search('road triffids')).toEqual([]);
    // A word matches within the title or within the author, never across the two.
    expect(search('roadcormac')).toEqual([]);
  });

  it('treats search text literally', () => {
    const index = indexOf([...all, book('What? (A Novel)', 'Someone')]);
    expect(titles(index.page({ sort: 'title', offset: 0, limit: 10, q: '(a' }))).toEqual(['What? (A Novel)']);
    expect(titles(index.page({ sort: 'title', offset: 0, limit: 10, q: '.*' }))).toEqual([]);
  });

  it('counts the total of a filtered list and pages through it by offset', () => {
    const index = indexOf(all);
    const page = index.page({ sort: 'title', offset: 1, limit: 1, q: 'the' });
    expect(page.total).toBe(3);
    expect(page.offset).toBe(1);
    expect(titles(page)).toEqual(['The Epic of Gilgamesh']);
    expect(index.page({ sort: 'title', offset: 0, limit: 10, read: true }).total).toBe(2);
  });

  it.each(SORT_KEYS)('walks every book exactly once by cursor, sorted %s', (sort: SortKey) => {
    const many = Array.from({ length: 57 }, (_, i) => book(`Book ${i % 7}`, `Author ${i % 5}`, { year: i % 4 === 0 ? null : 1900 + (i % 9), score: i % 3 === 0 ? null : i % 11 }));
    const index = indexOf(many);
    const byOffset = index.page({ sort, offset: 0, limit: 100 }).items.map((b) => b.id);
    expect(walk(index, { sort, limit: 10 }).map((b) => b.id)).toEqual(byOffset);
    expect(walk(index, { sort, limit: 4, read: false }).map((b) => b.id)).toEqual(byOffset);
    expect(walk(index, { sort, limit: 3, q: 'book 3' }).map((b) => b.id)).toEqual(
      index.page({ sort, offset: 0, limit: 100 }).items.filter((b) => `${b.title}\n${b.author}`.includes('3')).map((b) => b.id),
    );
  });

  it('continues a cursor after books before it are deleted and books are inserted: none skipped, none repeated', () => {
    const many = Array.from({ length: 30 }, (_, i) => book(`Title ${String(i).padStart(2, '0')}`, 'Same Author'));
    const index = indexOf(many);
    const first = index.page({ sort: 'title', offset: 0, limit: 10 });
    // The last book of the page goes, one before it goes, and new books land before and after the cursor.
    index.apply([
      { id: many[9].id, version: 2, book: null },
      { id: many[3].id, version: 2, book: null },
    ]);
    const early = book('Title 00a', 'Same Author');
    const late = book('Title 15a', 'Same Author');
    index.apply([early, late].map((b) => ({ id: b.id, version: 1, book: b })));
    let page = index.page({ sort: 'title', offset: 0, limit: 10, after: first.next });
    const after: string[] = page.items.map((b) => b.title);
    while (page.next) {
      page = index.page({ sort: 'title', offset: 0, limit: 10, after: page.next });
      after.push(...page.items.map((b) => b.title));
    }
    expect(after).toEqual([...many.slice(10, 16).map((b) => b.title), 'Title 15a', ...many.slice(16).map((b) => b.title)]);
    expect(after).not.toContain(early.title);
  });

  it('keeps a book at its newest version whatever order the changes arrive in', () => {
    const index = new CatalogueIndex();
    const v2 = { ...road, version: 2, title: 'The Road (v2)' };
    index.apply([{ id: road.id, version: 2, book: v2 }]);
    index.apply([{ id: road.id, version: 1, book: road }]);
    expect(index.get(road.id)?.title).toBe('The Road (v2)');
    index.apply([
      { id: road.id, version: 4, book: null },
      { id: road.id, version: 3, book: { ...road, version: 3 } },
    ]);
    expect(index.get(road.id)).toBeUndefined();
    expect(index.size).toBe(0);
  });

  it('takes in a bulk load and single changes alike, every order staying sorted', () => {
    const many = Array.from({ length: 600 }, (_, i) => book(`Bulk ${(i * 7919) % 600}`, `Writer ${i % 13}`, { year: i % 5 ? 1000 + ((i * 31) % 1000) : null }));
    const bulk = indexOf(many);
    const single = new CatalogueIndex();
    for (const b of many) single.apply([{ id: b.id, version: 1, book: b }]);
    for (const sort of SORT_KEYS) {
      expect(single.page({ sort, offset: 0, limit: 100 }).items).toEqual(bulk.page({ sort, offset: 0, limit: 100 }).items);
      expect(bulk.page({ sort, offset: 550, limit: 100 }).items).toHaveLength(50);
    }
  });

  it.each(SORT_KEYS)('finds exactly the books a full scan finds, in the list order, rare words and common alike, sorted %s', (sort: SortKey) => {
    const names = ['Ash', 'Émile', 'O’Brien', 'Road', 'North', 'Zoë'];
    const many = Array.from({ length: 400 }, (_, i) =>
      book(`The ${names[i % 6]} ${i % 17 === 0 ? 'Orchard' : 'Garden'} ${i}`, `${names[(i * 5) % 6]} Writer`, {
        year: i % 9 === 0 ? null : 1800 + (i % 50),
        score: i % 4 === 0 ? null : i % 11,
        read: i % 3 === 0,
      }),
    );
    const index = indexOf(many);
    // Each change moves books around the word index as well as the orders.
    index.apply([{ id: many[0].id, version: 2, book: { ...many[0], version: 2, title: 'Renamed Orchard' } }, { id: many[1].id, version: 2, book: null }]);
    const listed = index.page({ sort, offset: 0, limit: 100 }).items;
    const all = [...listed, ...walk(index, { sort, limit: 100 }).slice(100)];
    for (const q of ['orchard', 'the garden', 'obrien', "o'brien writer", 'zoe 1', 'e', 'nothing here']) {
      const words = q.split(' ');
      const fold = (text: string) => text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/’/g, "'");
      const expected = all.filter((b) => words.every((word) => fold(`${b.title}\n${b.author}`).includes(fold(word)))).map((b) => b.id);
      expect([q, walk(index, { sort, limit: 7, q }).map((b) => b.id)]).toEqual([q, expected]);
      expect([q, index.page({ sort, offset: 3, limit: 5, q }).items.map((b) => b.id)]).toEqual([q, expected.slice(3, 8)]);
      expect(index.page({ sort, offset: 0, limit: 1, q }).total).toBe(expected.length);
    }
  });

  it('lists every book for an export, oldest first', () => {
    const index = indexOf([emile, road, older]);
    expect([...index.all()].map((b) => b.title)).toEqual([road.title, emile.title, older.title]);
  });
});
