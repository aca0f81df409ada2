import { type Book, type SortField, type SortKey, parseSortKey, searchKey, searchWords } from '@books/contracts';
import { WordIndex } from './word-index';

/** One book as the index holds it: the answer ready to send, and the keys it is sorted and searched by. */
export interface IndexedBook {
  readonly book: Book;
  readonly titleKey: string;
  readonly authorKey: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Folded title and author on two lines: a search word matches within either, never across. */
  readonly text: string;
}

/** What a list request asks the index for. */
export interface IndexQuery {
  sort: SortKey;
  offset: number;
  limit: number;
  q?: string;
  read?: boolean;
  /** Continue after this book (from a cursor) instead of at `offset`. */
  after?: CursorPosition;
}

/** The sort keys of the last book of a page: where the next page starts. */
export interface CursorPosition {
  sort: SortKey;
  keys: (string | number | null)[];
}

/** A book's new state at a version; `book: null` when it was deleted. */
export interface IndexChange {
  id: string;
  version: number;
  book: Book | null;
}

export interface IndexPage {
  items: Book[];
  total: number;
  /** Where the first item is in the whole (filtered) list. */
  offset: number;
  /** Set when more books follow the page. */
  next?: CursorPosition;
}

type Key = string | number | null;

/**
 * How each field sorts: its keys, compared in order. Every order ends on the id, so no two
 * books tie and a page boundary is a single point. Empty years and scores (null) sort last
 * in both directions. (A cursor carries the keys of the last book of its page.)
 */
const SORT_KEYS: Record<SortField, (entry: IndexedBook) => Key[]> = {
  title: (e) => [e.titleKey, e.authorKey, e.book.id],
  author: (e) => [e.authorKey, e.titleKey, e.book.id],
  year: (e) => [e.book.year, e.book.id],
  score: (e) => [e.book.score, e.book.id],
  createdAt: (e) => [e.createdAt, e.book.id],
  updatedAt: (e) => [e.updatedAt, e.book.id],
};

type Compare = (a: IndexedBook, b: IndexedBook) => number;

/** The same orders as SORT_KEYS, ascending, without building key arrays: sorting 100,000 books calls these millions of times. */
const COMPARATORS: Record<SortField, Compare> = {
  title: (a, b) => compareValues(a.titleKey, b.titleKey) || compareValues(a.authorKey, b.authorKey) || compareValues(a.book.id, b.book.id),
  author: (a, b) => compareValues(a.authorKey, b.authorKey) || compareValues(a.titleKey, b.titleKey) || compareValues(a.book.id, b.book.id),
  year: (a, b) => compareNullsLast(a.book.year, b.book.year) || compareValues(a.book.id, b.book.id),
  score: (a, b) => compareNullsLast(a.book.score, b.book.score) || compareValues(a.book.id, b.book.id),
  createdAt: (a, b) => a.createdAt - b.createdAt || compareValues(a.book.id, b.book.id),
  updatedAt: (a, b) => a.updatedAt - b.updatedAt || compareValues(a.book.id, b.book.id),
};

function compareValues<T extends string | number>(a: T, b: T): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

/** The order of a sort key as a comparator: descending reverses everything but where nulls go (last). */
function directed(sort: SortKey): Compare {
  const { field, direction } = parseSortKey(sort);
  const compare = COMPARATORS[field];
  if (direction === 1) return compare;
  const isNull = field === 'year' || field === 'score' ? (e: IndexedBook) => e.book[field] === null : () => false;
  return (a, b) => (isNull(a) !== isNull(b) ? (isNull(a) ? 1 : -1) : -compare(a, b));
}

/** The first index in [0, length) where `past` holds, for a `past` that is false and then true. */
function firstAfter(length: number, past: (index: number) => boolean): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (past(mid)) high = mid;
    else low = mid + 1;
  }
  return low;
}

function compareNullsLast(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a - b;
}

/** Past this many changes at once, re-sorting is cheaper than moving each book (an import). */
const BULK_THRESHOLD = 256;

/**
 * The whole catalogue in memory, in every sort order: a page costs a binary search and a
 * slice whatever its depth, and a search is one pass over precomputed folded text, with no
 * database query. Each field keeps one array in ascending order (nulls at the end); the
 * descending order is read from the same array backwards, nulls still last.
 */
export class CatalogueIndex {
  private readonly byId = new Map<string, IndexedBook>();
  private readonly orders = new Map<SortField, IndexedBook[]>(Object.keys(SORT_KEYS).map((field) => [field as SortField, []]));
  private readCount = 0;
  /** Changes applied to `byId` and not yet to the orders (see settle). */
  private pendingPuts = new Set<IndexedBook>();
  private pendingGone = new Set<IndexedBook>();
  private readonly words = new WordIndex();

  get size(): number {
    return this.byId.size;
  }

  get(id: string): Book | undefined {
    return this.byId.get(id)?.book;
  }

  /**
   * Takes in changes, in any order and any number: each book ends at its newest version (an
   * older one than it holds is ignored), a deleted book (`book: null`) leaves.
   */
  apply(changes: Iterable<IndexChange>): void {
    const newest = new Map<string, IndexChange>();
    for (const change of changes) {
      const seen = newest.get(change.id);
      if (!seen || change.version > seen.version) newest.set(change.id, change);
    }
    for (const { id, version, book } of newest.values()) {
      const old = this.byId.get(id);
      if (old && old.book.version >= version) continue;
      if (old) {
        // A book that never reached the orders simply leaves the queue.
        if (!this.pendingPuts.delete(old)) this.pendingGone.add(old);
        this.byId.delete(id);
        this.words.remove(old);
        if (old.book.read) this.readCount--;
      }
      if (book) {
        const entry = indexed(book);
        this.pendingPuts.add(entry);
        this.byId.set(id, entry);
        this.words.add(entry);
        if (book.read) this.readCount++;
      }
    }
  }

  /**
   * Brings the sort orders up to date with the changes applied since the last read. Deferred
   * to the read, so an import of 100,000 books costs one merge per read that comes along, not
   * one per batch in every replica. A few changes are moved one by one (a binary search and a
   * splice each); many are merged in one pass.
   */
  private settle(): void {
    const changed = this.pendingPuts.size + this.pendingGone.size;
    if (changed === 0) return;
    const puts = [...this.pendingPuts];
    const gone = this.pendingGone;
    for (const [field, entries] of this.orders) {
      const compare = COMPARATORS[field];
      if (changed > BULK_THRESHOLD) {
        this.orders.set(field, merge(gone.size > 0 ? entries.filter((entry) => !gone.has(entry)) : entries, puts.toSorted(compare), compare));
      } else {
        for (const entry of gone) entries.splice(search(entries, entry, compare), 1);
        for (const entry of puts) entries.splice(search(entries, entry, compare), 0, entry);
      }
    }
    this.pendingPuts = new Set();
    this.pendingGone = new Set();
  }

  page(query: IndexQuery): IndexPage {
    this.settle();
    const view = this.view(query.sort);
    const words = query.q ? searchWords(query.q) : [];
    const start = query.after ? this.positionAfter(view, query.after) : 0;

    if (words.length === 0 && query.read === undefined) {
      const from = query.after ? start : query.offset;
      const items = slice(view, from, query.limit);
      return this.finish(query, items, view.length, from, from + items.length < view.length);
    }

    if (words.length > 0) return this.search(query, view, words);

    // Only `read`: one pass in the sort order; its count is known, so the pass stops once the page is full.
    const total = query.read ? this.readCount : this.byId.size - this.readCount;
    return this.filtered(query, view, start, (entry) => entry.book.read === query.read, total);
  }

  /**
   * A search: the word index names the matching books. When they are few (the usual case) they
   * are sorted on their own; when they are a good part of the catalogue, one pass over the
   * sorted order picks them out.
   */
  private search(query: IndexQuery, view: View, words: string[]): IndexPage {
    const found = this.words.matching(words);
    const matches = (entry: IndexedBook) => found.has(entry) && (query.read === undefined || entry.book.read === query.read);
    if (found.size * 8 > view.length) {
      const start = query.after ? this.positionAfter(view, query.after) : 0;
      return this.filtered(query, view, start, matches);
    }
    const { field } = parseSortKey(query.sort);
    const hits = [...found].filter(matches).sort(directed(query.sort));
    let from = query.offset;
    if (query.after) {
      const probe = keysOf(field, query.after.keys);
      from = firstAfter(hits.length, (i) => view.compareKeys(SORT_KEYS[field](hits[i]), probe) > 0);
    }
    const items = hits.slice(from, from + query.limit);
    return this.finish(query, items, hits.length, from, from + items.length < hits.length);
  }

  /** One pass over the sorted order, keeping what `matches`; stops early when the total is known. */
  private filtered(query: IndexQuery, view: View, start: number, matches: (entry: IndexedBook) => boolean, knownTotal?: number): IndexPage {
    const skip = query.after ? 0 : query.offset;
    let matched = 0;
    let before = 0;
    const items: IndexedBook[] = [];
    for (let i = 0; i < view.length; i++) {
      const entry = view.at(i);
      if (!matches(entry)) continue;
      if (i < start) before++;
      else if (matched - before >= skip && items.length <= query.limit) items.push(entry);
      matched++;
      if (knownTotal !== undefined && items.length > query.limit) break;
    }
    const from = query.after ? before : query.offset;
    return this.finish(query, items.slice(0, query.limit), knownTotal ?? matched, from, items.length > query.limit);
  }

  /** Every book, in a stable order (oldest first), for an export. */
  *all(): Iterable<Book> {
    this.settle();
    for (const entry of this.orders.get('createdAt') ?? []) yield entry.book;
  }

  private finish(query: IndexQuery, items: IndexedBook[], total: number, offset: number, more: boolean): IndexPage {
    const last = items.at(-1);
    return {
      items: items.map((entry) => entry.book),
      total,
      offset,
      ...(more && last ? { next: { sort: query.sort, keys: SORT_KEYS[parseSortKey(query.sort).field](last) } } : {}),
    };
  }

  /** The position just past the book a cursor names (which may be gone by now). */
  private positionAfter(view: View, after: CursorPosition): number {
    const { field } = parseSortKey(after.sort);
    const probe = keysOf(field, after.keys);
    return firstAfter(view.length, (i) => view.compareKeys(SORT_KEYS[field](view.at(i)), probe) > 0);
  }

  /** The books in the order of a sort key, ascending or descending. */
  private view(sort: SortKey): View {
    const { field, direction } = parseSortKey(sort);
    const order = this.orders.get(field) as IndexedBook[];
    if (direction === 1) return { length: order.length, at: (i) => order[i], compareKeys };
    // Descending, nulls still last: the non-null part backwards, then the null part backwards.
    const nulls = field === 'year' || field === 'score' ? countNulls(order, field) : 0;
    const present = order.length - nulls;
    return {
      length: order.length,
      at: (i) => (i < present ? order[present - 1 - i] : order[order.length - 1 - (i - present)]),
      compareKeys: (a, b) => {
        const [nullA, nullB] = [a[0] === null, b[0] === null];
        if (nullA !== nullB) return nullA ? 1 : -1;
        return -compareKeys(a, b);
      },
    };
  }
}

interface View {
  length: number;
  at(index: number): IndexedBook;
  compareKeys(a: Key[], b: Key[]): number;
}

function indexed(book: Book): IndexedBook {
  return {
    book,
    titleKey: searchKey(book.title),
    authorKey: searchKey(book.author),
    createdAt: Date.parse(book.createdAt),
    updatedAt: Date.parse(book.updatedAt),
    text: `${searchKey(book.title)}\n${searchKey(book.author)}`,
  };
}

/** Nulls sit at the end of an ascending order: a binary search finds where they start. */
function countNulls(entries: IndexedBook[], field: 'year' | 'score'): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (entries[mid].book[field] === null) high = mid;
    else low = mid + 1;
  }
  return entries.length - low;
}

/** Ascending, nulls last, then the next key. */
function compareKeys(a: Key[], b: Key[]): number {
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i], b[i]];
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** Where `entry` is, or would go, in `order`. */
function search(entries: IndexedBook[], entry: IndexedBook, compare: Compare): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compare(entries[mid], entry) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Merges sorted `additions` into sorted `entries` in one pass. */
function merge(entries: IndexedBook[], additions: IndexedBook[], compare: Compare): IndexedBook[] {
  if (entries.length === 0) return additions;
  const out = new Array<IndexedBook>(entries.length + additions.length);
  let [i, j, k] = [0, 0, 0];
  while (i < entries.length && j < additions.length) out[k++] = compare(entries[i], additions[j]) <= 0 ? entries[i++] : additions[j++];
  while (i < entries.length) out[k++] = entries[i++];
  while (j < additions.length) out[k++] = additions[j++];
  return out;
}

function slice(view: View, from: number, limit: number): IndexedBook[] {
  const items: IndexedBook[] = [];
  for (let i = from; i < Math.min(view.length, from + limit); i++) items.push(view.at(i));
  return items;
}

/** Cursor keys back into the shape the field's comparator reads; wrong shapes are refused. */
function keysOf(field: SortField, keys: Key[]): Key[] {
  const text = (k: Key) => typeof k === 'string';
  const valid =
    field === 'title' || field === 'author'
      ? keys.length === 3 && keys.every(text)
      : field === 'year' || field === 'score'
        ? keys.length === 2 && (keys[0] === null || Number.isInteger(keys[0])) && text(keys[1])
        : keys.length === 2 && Number.isFinite(keys[0]) && text(keys[1]);
  if (!valid) throw new InvalidCursorError();
  return keys;
}

export class InvalidCursorError extends Error {
  constructor() {
    super('Not a cursor from this catalogue');
  }
}
