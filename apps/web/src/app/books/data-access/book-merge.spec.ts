import type { BookInput } from '@books/contracts';
import { mergeBook, resolveMerge, sameValue } from './book-merge';

describe('mergeBook (three-way, field by field)', () => {
  const base: BookInput = { title: 'Earth Abides', author: 'George R. Stewart', year: 1949, score: 8, read: false };

  it('changes nothing when neither side changed anything', () => {
    expect(mergeBook(base, { ...base }, { ...base })).toEqual({ merged: base, fromTheirs: [], fromMine: [], agreed: [], conflicts: [] });
  });

  it('takes their changes when I changed nothing', () => {
    const theirs = { ...base, title: 'Earth Abides (2nd ed.)', read: true };

    expect(mergeBook(base, theirs, { ...base })).toEqual({
      merged: theirs,
      fromTheirs: ['title', 'read'],
      fromMine: [],
      agreed: [],
      conflicts: [],
    });
  });

  it('keeps my changes when they changed nothing', () => {
    const mine = { ...base, score: 10 };

    expect(mergeBook(base, { ...base }, mine)).toEqual({ merged: mine, fromTheirs: [], fromMine: ['score'], agreed: [], conflicts: [] });
  });

  it('merges changes to different fields without a question', () => {
    const theirs = { ...base, author: 'George Stewart', year: 1950 };
    const mine = { ...base, score: 9, read: true };

    expect(mergeBook(base, theirs, mine)).toEqual({
      merged: { ...base, author: 'George Stewart', year: 1950, score: 9, read: true },
      fromTheirs: ['author', 'year'],
      fromMine: ['score', 'read'],
      agreed: [],
      conflicts: [],
    });
  });

  it('sees no conflict when both made the same change', () => {
    const theirs = { ...base, score: 9, read: true };
    const mine = { ...base, score: 9, read: true };

    expect(mergeBook(base, theirs, mine)).toEqual({ merged: theirs, fromTheirs: [], fromMine: [], agreed: ['score', 'read'], conflicts: [] });
  });

  it('asks about the fields both changed differently, and merges the rest', () => {
    const theirs = { ...base, title: 'Earth Abides!', year: 1950 };
    const mine = { ...base, title: 'Earth Abides?', score: 2 };

    const merge = mergeBook(base, theirs, mine);

    expect(merge.conflicts).toEqual([{ field: 'title', base: 'Earth Abides', theirs: 'Earth Abides!', mine: 'Earth Abides?' }]);
    expect(merge.fromTheirs).toEqual(['year']);
    expect(merge.fromMine).toEqual(['score']);
    expect(merge.merged).toEqual({ ...base, title: 'Earth Abides?', year: 1950, score: 2 });
  });

  it('reports every field when both sides changed everything differently', () => {
    const theirs = { title: 'A', author: 'B', year: 1, score: 1, read: true };
    const mine = { title: 'C', author: 'D', year: 2, score: 2, read: true };
    const other = { ...mine, read: false };

    expect(mergeBook(base, theirs, mine).conflicts.map((c) => c.field)).toEqual(['title', 'author', 'year', 'score']);
    expect(mergeBook(base, theirs, mine).agreed).toEqual(['read']);
    // A boolean both flipped is the same change; one flipped back is not a change.
    expect(mergeBook(base, theirs, other).conflicts.map((c) => c.field)).toEqual(['title', 'author', 'year', 'score']);
    expect(mergeBook(base, theirs, other).fromTheirs).toEqual(['read']);
  });

  describe('nulls (unknown year, no score)', () => {
    it('takes their null over an unchanged value', () => {
      expect(mergeBook(base, { ...base, year: null }, base).merged.year).toBeNull();
    });

    it('takes their value over my unchanged null', () => {
      const nullBase = { ...base, score: null };

      expect(mergeBook(nullBase, { ...nullBase, score: 5 }, nullBase)).toMatchObject({ merged: { score: 5 }, fromTheirs: ['score'] });
    });

    it('keeps my null when they left the field alone', () => {
      expect(mergeBook(base, base, { ...base, score: null })).toMatchObject({ merged: { score: null }, fromMine: ['score'] });
    });

    it('sees both clearing a field as the same change', () => {
      expect(mergeBook(base, { ...base, year: null }, { ...base, year: null })).toMatchObject({ agreed: ['year'], conflicts: [] });
    });

    it('asks when one cleared a field the other changed', () => {
      expect(mergeBook(base, { ...base, year: null }, { ...base, year: 1951 }).conflicts).toEqual([
        { field: 'year', base: 1949, theirs: null, mine: 1951 },
      ]);
    });

    it('asks when both filled an empty field differently', () => {
      const nullBase = { ...base, score: null };

      expect(mergeBook(nullBase, { ...nullBase, score: 5 }, { ...nullBase, score: 6 }).conflicts).toEqual([
        { field: 'score', base: null, theirs: 5, mine: 6 },
      ]);
    });

    it('does not take 0 or an empty text for null', () => {
      const nullBase = { ...base, score: null };

      expect(mergeBook(nullBase, nullBase, { ...nullBase, score: 0 }).fromMine).toEqual(['score']);
      expect(sameValue('', null)).toBe(false);
    });
  });

  describe('text, as the API will save it', () => {
    it('does not count spaces around my text as a change', () => {
      const theirs = { ...base, title: 'Earth Abides!' };

      expect(mergeBook(base, theirs, { ...base, title: '  Earth Abides ' })).toMatchObject({
        merged: { title: 'Earth Abides!' },
        fromTheirs: ['title'],
        conflicts: [],
      });
    });

    it('sees the same text in another Unicode form as the same change, and keeps theirs as saved', () => {
      const theirs = { ...base, author: 'Stéphane' };
      const mine = { ...base, author: 'Ste\u0301phane ' };

      expect(mergeBook(base, theirs, mine)).toMatchObject({ merged: { author: 'Stéphane' }, agreed: ['author'], conflicts: [] });
    });

    it('counts a change of case as a change', () => {
      expect(mergeBook(base, { ...base, title: 'EARTH ABIDES' }, { ...base, title: 'earth abides' }).conflicts).toHaveLength(1);
    });
  });

  it('works on the form’s own shape too (the year as typed)', () => {
    const draftBase = { ...base, year: '1949' };

    expect(mergeBook(draftBase, { ...draftBase, year: '-44' }, { ...draftBase, score: 1 }).merged).toEqual({
      ...draftBase,
      year: '-44',
      score: 1,
    });
  });

  it('does not change its arguments', () => {
    const theirs = Object.freeze({ ...base, year: 1950 });
    const mine = Object.freeze({ ...base, year: 1951 });

    expect(() => resolveMerge(mergeBook(Object.freeze(base), theirs, mine), { year: 'theirs' })).not.toThrow();
    expect(mine.year).toBe(1951);
  });
});

describe('resolveMerge', () => {
  const base: BookInput = { title: 'Wool', author: 'Hugh Howey', year: 2011, score: null, read: false };
  const theirs = { ...base, title: 'Wool Omnibus', author: 'H. Howey', read: true };
  const mine = { ...base, title: 'Wool (Silo 1)', author: 'Hugh C. Howey', score: 7 };
  const merge = mergeBook(base, theirs, mine);

  it('applies each choice to its field, on top of what merged by itself', () => {
    expect(resolveMerge(merge, { title: 'theirs', author: 'mine' })).toEqual({
      title: 'Wool Omnibus',
      author: 'Hugh C. Howey',
      year: 2011,
      score: 7,
      read: true,
    });
  });

  it('keeps mine for a conflict without a choice', () => {
    expect(resolveMerge(merge, {})).toMatchObject({ title: 'Wool (Silo 1)', author: 'Hugh C. Howey' });
  });

  it('ignores choices for fields that are not in conflict', () => {
    expect(resolveMerge(merge, { score: 'theirs', read: 'mine' })).toMatchObject({ score: 7, read: true });
  });
});
