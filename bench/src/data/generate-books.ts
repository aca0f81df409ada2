import { type BookInput, searchKey } from '@books/contracts';
import { SeededRandom } from './seeded-random';
import { NAMING_CULTURES, type NamingCulture, TITLE_LANGUAGES, type TitleLanguage, type TitleLanguageName } from './word-lists';

export interface GenerateBooksOptions {
  count: number;
  /** A whole number from 0 to 2^32 - 1: the same seed gives the same books, in the same order. */
  seed: number;
  /**
   * The latest year of publication (announced books). Fixed rather than read from the clock, so
   * that a seed gives the same books next year too; the API's bound (next year) only grows.
   */
  latestYear?: number;
}

/** Next year, when this was written. */
export const DEFAULT_LATEST_YEAR = 2027;

/** Share of books with no year, and with no score (unrated). */
const NULL_YEAR_SHARE = 0.08;
const NULL_SCORE_SHARE = 0.2;
const READ_SHARE = 0.4;
/** Scores 0 to 10, weighted as readers rate: mostly 6 to 8, few at the ends. */
const SCORE_WEIGHTS = [1, 1, 2, 3, 4, 6, 9, 12, 11, 7, 4].map((weight, score) => [score, weight] as const);
const MIDDLE_INITIALS = [...'ABCDEFGHJKLMNPRSTW'];
/** Give up when this many books in a row repeat one already made: the word lists are exhausted. */
const MAX_REPEATS_IN_A_ROW = 1_000;

const languages: Record<TitleLanguageName, TitleLanguage> = TITLE_LANGUAGES;
const cultures = NAMING_CULTURES.map((culture) => [culture, culture.weight] as const);

/**
 * Books for tests and benchmarks, made one at a time, so that writing 100,000 of them holds
 * none but the current one (see book-files.ts). Deterministic: a function of the options only,
 * and a larger count continues a smaller one.
 *
 * No two books share their folded title, author and year: that is how an import without ids
 * names a book, so an import of N generated books creates N books. Remembering what was made
 * costs about 100 bytes a book.
 */
export function* generateBooks({ count, seed, latestYear = DEFAULT_LATEST_YEAR }: GenerateBooksOptions): Generator<BookInput> {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`The count must be a whole number of at least 0, not ${count}`);
  const random = new SeededRandom(seed);
  const made = new Set<string>();
  let repeats = 0;
  while (made.size < count) {
    const book = randomBook(random, latestYear);
    const key = [searchKey(book.title), searchKey(book.author), book.year].join('\u0000');
    if (made.has(key)) {
      if (++repeats >= MAX_REPEATS_IN_A_ROW) throw new Error(`The word lists cannot make ${count} different books; ${made.size} made`);
      continue;
    }
    repeats = 0;
    made.add(key);
    yield book;
  }
}

function randomBook(random: SeededRandom, latestYear: number): BookInput {
  const culture = random.weighted(cultures);
  return {
    title: titleIn(random, languages[random.weighted(culture.titles)]),
    author: authorFrom(random, culture),
    year: random.chance(NULL_YEAR_SHARE) ? null : yearFor(random, culture, latestYear),
    score: random.chance(NULL_SCORE_SHARE) ? null : random.weighted(SCORE_WEIGHTS),
    read: random.chance(READ_SHARE),
  };
}

/** A pattern of the language with each slot filled; a word appears once per title ("Salt, Smoke and Ink"). */
function titleIn(random: SeededRandom, language: TitleLanguage): string {
  const used = new Set<string>();
  return random.pick(language.patterns).replace(/\{(\w+)\}/g, (_, slot: string) => {
    let word: string;
    do word = random.pick(language.words[slot]);
    while (used.has(word));
    used.add(word);
    return word;
  });
}

function authorFrom(random: SeededRandom, culture: NamingCulture): string {
  const initial = culture.middleInitials && random.chance(culture.middleInitials) ? ` ${random.pick(MIDDLE_INITIALS)}.` : '';
  const given = random.pick(culture.given) + initial;
  if (culture.family.length === 0) return given;
  const family = random.pick(culture.family);
  return (culture.familyFirst ? [family, given] : [given, family]).join(culture.separator ?? ' ');
}

/** Mostly recent books, some old, a few announced for next year; the culture's own era if it has one. */
function yearFor(random: SeededRandom, culture: NamingCulture, latestYear: number): number {
  const [from, to] =
    culture.years ??
    random.weighted([
      [[500, 1799], 4],
      [[1800, 1949], 24],
      [[1950, latestYear - 1], 71.5],
      [[latestYear, latestYear], 0.5],
    ]);
  // There is no year 0: 1 BCE (-1) is followed by 1 CE.
  const spansZero = from <= 0 && to >= 0;
  const year = random.int(from, spansZero ? to - 1 : to);
  return spansZero && year >= 0 ? year + 1 : year;
}
