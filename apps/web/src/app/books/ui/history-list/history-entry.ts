import type { BookHistoryEntry, EditableField } from '@books/contracts';
import { formatYear } from '../book-year.pipe';

/** What a version did, as people say it: a `created` entry after version 1 is a restore. */
export type EntryKind = 'added' | 'edited' | 'deleted' | 'restored';

const KIND_LABELS: Record<EntryKind, string> = { added: 'Added', edited: 'Edited', deleted: 'Deleted', restored: 'Restored' };

const FIELD_LABELS: Record<EditableField, string> = { title: 'Title', author: 'Author', year: 'Year', score: 'Score', read: 'Read' };

/** One field of a version: "Score 7 → 9"; an added or restored book has only the value it came with. */
export interface ShownChange {
  readonly label: string;
  readonly from?: string;
  readonly to: string;
}

/** A version as the history panel shows it. */
export interface ShownEntry {
  readonly version: number;
  readonly kind: EntryKind;
  readonly label: string;
  readonly occurredAt: string;
  readonly relative: string;
  readonly absolute: string;
  /** Who made it: "Edith Editor", or "Nightly import (a program)"; absent when no one signed in. */
  readonly by?: string;
  readonly changes: readonly ShownChange[];
}

const ABSOLUTE = new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeStyle: 'short' });
const RELATIVE = new Intl.RelativeTimeFormat('en-US', { numeric: 'auto' });
const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['week', 7 * 86_400],
  ['day', 86_400],
  ['hour', 3600],
  ['minute', 60],
];

export function showEntry(entry: BookHistoryEntry, now: number): ShownEntry {
  const kind = kindOf(entry);
  const at = Date.parse(entry.occurredAt);
  return {
    version: entry.version,
    kind,
    label: KIND_LABELS[kind],
    occurredAt: entry.occurredAt,
    relative: relativeTime(at, now),
    absolute: Number.isNaN(at) ? entry.occurredAt : ABSOLUTE.format(at),
    ...(entry.actor && { by: entry.actor.kind === 'client' ? `${entry.actor.name} (a program)` : entry.actor.name }),
    changes: kind === 'deleted' ? [] : entry.changes.map((change) => showChange(change, kind === 'edited')),
  };
}

function kindOf(entry: BookHistoryEntry): EntryKind {
  if (entry.type === 'deleted') return 'deleted';
  if (entry.type === 'updated') return 'edited';
  return entry.version > 1 ? 'restored' : 'added';
}

function showChange({ field, from, to }: BookHistoryEntry['changes'][number], withFrom: boolean): ShownChange {
  const label = FIELD_LABELS[field] ?? field;
  return withFrom ? { label, from: formatValue(field, from), to: formatValue(field, to) } : { label, to: formatValue(field, to) };
}

/** A field's value as the table shows it; text in quotes, so a changed space or an empty title shows. */
export function formatValue(field: EditableField, value: unknown): string {
  switch (field) {
    case 'title':
    case 'author':
      return value === null || value === undefined ? 'none' : `“${String(value)}”`;
    case 'year':
      return typeof value === 'number' ? formatYear(value) : 'unknown';
    case 'score':
      return typeof value === 'number' ? String(value) : 'unrated';
    case 'read':
      return value === true ? 'Yes' : 'No';
    default:
      return String(value);
  }
}

/** "just now", "5 minutes ago", "yesterday", "3 weeks ago". */
export function relativeTime(at: number, now: number): string {
  if (Number.isNaN(at)) return '';
  const seconds = (at - now) / 1000;
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return RELATIVE.format(Math.trunc(seconds / size), unit);
  }
  return 'just now';
}
