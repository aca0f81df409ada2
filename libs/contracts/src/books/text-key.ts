/**
 * Folds case and accents so that "émile", "Emile" and "EMILE" sort and match together.
 *
 * The books-service stores titles and authors folded this way and searches the folded
 * search text; the list request's rules bound the folded text, so the gateway refuses a
 * search the service would spend too long on. NFKD can make a character much longer
 * (U+FDFA becomes 18 characters), so the bound applies after folding.
 */
export function textKey(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** Apostrophe look-alikes people type or paste: ’ ‘ ʼ ` ´ ′ all count as '. */
const APOSTROPHES = /[\u2018\u2019\u201b\u02bc\u0060\u00b4\u2032]/g;

/**
 * The form titles and authors are searched in: {@link textKey}, with every apostrophe form
 * folded into one, so "O’Brien", "O'Brien" and "o‘brien" find each other.
 */
export function searchKey(text: string): string {
  return textKey(text).replace(APOSTROPHES, "'");
}

/**
 * The words of a search: each must occur, literally, in a book's title or author, in any
 * order. Duplicates and words contained in another word add nothing and are dropped.
 */
export function searchWords(q: string): string[] {
  const words = [...new Set(searchKey(q).split(/\s+/).filter(Boolean))];
  return words.filter((word) => !words.some((other) => other !== word && other.includes(word)));
}
