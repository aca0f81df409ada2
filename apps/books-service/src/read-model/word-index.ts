import type { IndexedBook } from './catalogue-index';

/**
 * The books by the words of their folded title and author: a search looks at the distinct
 * words of the catalogue (tens of thousands) instead of at every book. A search word matches
 * where it occurs in a title or author; since it holds no space, such a place lies within one
 * of their words, so "every word of the query occurs in some word of the book" is exactly the
 * search's rule, found without reading every book.
 */
export class WordIndex {
  private readonly books = new Map<string, Set<IndexedBook>>();

  add(entry: IndexedBook): void {
    for (const word of wordsOf(entry.text)) {
      let holders = this.books.get(word);
      if (!holders) this.books.set(word, (holders = new Set()));
      holders.add(entry);
    }
  }

  remove(entry: IndexedBook): void {
    for (const word of wordsOf(entry.text)) {
      const holders = this.books.get(word);
      holders?.delete(entry);
      if (holders?.size === 0) this.books.delete(word);
    }
  }

  /** The books whose title or author has every one of `words` (folded) in it. */
  matching(words: string[]): Set<IndexedBook> {
    // For each search word, the catalogue's words that contain it; start from the rarest.
    const holders = words.map((word) => {
      const sets: Set<IndexedBook>[] = [];
      let size = 0;
      for (const [known, books] of this.books) {
        if (!known.includes(word)) continue;
        sets.push(books);
        size += books.size;
      }
      return { word, sets, size };
    });
    holders.sort((a, b) => a.size - b.size);
    const [rarest, ...others] = holders;
    const result = new Set<IndexedBook>();
    for (const books of rarest.sets) {
      for (const entry of books) {
        if (others.every(({ word }) => entry.text.includes(word))) result.add(entry);
      }
    }
    return result;
  }
}

function wordsOf(text: string): Set<string> {
  return new Set(text.split(/\s+/).filter(Boolean));
}
