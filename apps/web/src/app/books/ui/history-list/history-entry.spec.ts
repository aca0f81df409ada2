import type { BookHistoryEntry } from '@books/contracts';
import { aBook } from '../../testing/books.fixtures';
import { formatValue, relativeTime, showEntry } from './history-entry';

describe('showEntry', () => {
  const now = Date.parse('2026-12-02T12:00:00Z');
  const entry = (overrides: Partial<BookHistoryEntry>): BookHistoryEntry => ({
    version: 2,
    type: 'updated',
    occurredAt: '2026-12-02T11:55:00Z',
    book: aBook(),
    changes: [],
    ...overrides,
  });

  it('shows an edit field by field, from the old value to the new', () => {
    const shown = showEntry(
      entry({
        changes: [
          { field: 'title', from: 'A', to: 'B' },
          { field: 'score', from: 7, to: 9 },
          { field: 'year', from: null, to: -44 },
          { field: 'read', from: false, to: true },
          { field: 'score', from: 9, to: null },
        ],
      }),
      now,
    );

    expect(shown).toMatchObject({ version: 2, kind: 'edited', label: 'Edited', relative: '5 minutes ago' });
    expect(shown.changes).toEqual([
      { label: 'Title', from: '“A”', to: '“B”' },
      { label: 'Score', from: '7', to: '9' },
      { label: 'Year', from: 'unknown', to: '44 BCE' },
      { label: 'Read', from: 'No', to: 'Yes' },
      { label: 'Score', from: '9', to: 'unrated' },
    ]);
  });

  it('calls version 1 an addition, with the values the book came with', () => {
    const shown = showEntry(
      entry({ version: 1, type: 'created', changes: [{ field: 'title', from: null, to: 'Malevil' }] }),
      now,
    );

    expect(shown).toMatchObject({ kind: 'added', label: 'Added', changes: [{ label: 'Title', to: '“Malevil”' }] });
  });

  it('calls a later created version a restore', () => {
    expect(showEntry(entry({ version: 5, type: 'created' }), now)).toMatchObject({ kind: 'restored', label: 'Restored' });
  });

  it('shows a delete with no fields', () => {
    const shown = showEntry(entry({ version: 4, type: 'deleted', book: null, changes: [{ field: 'title', from: 'A', to: null }] }), now);

    expect(shown).toMatchObject({ kind: 'deleted', label: 'Deleted', changes: [] });
  });

  it('names who made the change, a program as one, and no one when nobody signed in', () => {
    expect(showEntry(entry({ actor: { name: 'Edith Editor', kind: 'user' } }), now).by).toBe('Edith Editor');
    expect(showEntry(entry({ actor: { name: 'Nightly import', kind: 'client' } }), now).by).toBe('Nightly import (a program)');
    expect(showEntry(entry({}), now).by).toBeUndefined();
  });

  it('gives the absolute time beside the relative one', () => {
    const shown = showEntry(entry({ occurredAt: '2026-11-30T09:30:00Z' }), now);

    expect(shown.relative).toBe('2 days ago');
    expect(shown.absolute).toMatch(/^Nov 30, 2026, \d{1,2}:30 (AM|PM)$/);
    expect(shown.occurredAt).toBe('2026-11-30T09:30:00Z');
  });
});

describe('relativeTime', () => {
  const now = Date.parse('2026-12-02T12:00:00Z');
  const ago = (seconds: number) => relativeTime(now - seconds * 1000, now);

  it('speaks in the largest whole unit', () => {
    expect(ago(10)).toBe('just now');
    expect(ago(60)).toBe('1 minute ago');
    expect(ago(3 * 3600 + 59)).toBe('3 hours ago');
    expect(ago(86_400)).toBe('yesterday');
    expect(ago(15 * 86_400)).toBe('2 weeks ago');
    expect(ago(400 * 86_400)).toBe('last year');
  });

  it('copes with a clock a little behind the server', () => {
    expect(relativeTime(now + 5000, now)).toBe('just now');
  });
});

describe('formatValue', () => {
  it('quotes text, so an empty or changed space shows', () => {
    expect(formatValue('author', ' Le Guin')).toBe('“ Le Guin”');
  });
});
