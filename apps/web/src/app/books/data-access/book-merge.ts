import { EDITABLE_FIELDS, type EditableField } from '@books/contracts';

/** The editable fields of one version of a book, in whatever shape the caller keeps them. */
export type BookFields = Readonly<Record<EditableField, unknown>>;

/** A field both sides changed, to different values: only a person can choose. */
export interface FieldConflict<T extends BookFields> {
  readonly field: EditableField;
  readonly base: T[EditableField];
  readonly theirs: T[EditableField];
  readonly mine: T[EditableField];
}

export interface BookMerge<T extends BookFields> {
  /** Every field merged; a conflicting field holds mine until {@link resolveMerge} says otherwise. */
  readonly merged: T;
  /** Fields taken from their version because only they changed them. */
  readonly fromTheirs: readonly EditableField[];
  /** Fields kept from mine because only I changed them. */
  readonly fromMine: readonly EditableField[];
  /** Fields we both changed to the same value. */
  readonly agreed: readonly EditableField[];
  readonly conflicts: readonly FieldConflict<T>[];
}

export type MergeChoice = 'theirs' | 'mine';

/**
 * A three-way merge, field by field: `base` is the version I started from, `theirs` the one
 * saved since, `mine` what I have now. A field changed on one side only takes that side; a
 * field both changed to the same value is no conflict; a field both changed differently is.
 * Text counts as unchanged when only its surrounding spaces or Unicode form differ, as the
 * API trims and normalises it on save.
 */
export function mergeBook<T extends BookFields>(base: T, theirs: T, mine: T): BookMerge<T> {
  const merged: Record<string, unknown> = { ...mine };
  const fromTheirs: EditableField[] = [];
  const fromMine: EditableField[] = [];
  const agreed: EditableField[] = [];
  const conflicts: FieldConflict<T>[] = [];
  for (const field of EDITABLE_FIELDS) {
    const theyChanged = !sameValue(base[field], theirs[field]);
    const iChanged = !sameValue(base[field], mine[field]);
    if (theyChanged && !iChanged) {
      merged[field] = theirs[field];
      fromTheirs.push(field);
    } else if (theyChanged && sameValue(theirs[field], mine[field])) {
      // Theirs as saved, which may differ from mine in spaces only.
      merged[field] = theirs[field];
      agreed.push(field);
    } else if (theyChanged) {
      conflicts.push({ field, base: base[field], theirs: theirs[field], mine: mine[field] });
    } else if (iChanged) {
      fromMine.push(field);
    }
  }
  return { merged: merged as T, fromTheirs, fromMine, agreed, conflicts };
}

/** The merge with each conflict settled as chosen; a conflict without a choice keeps mine. */
export function resolveMerge<T extends BookFields>(
  merge: BookMerge<T>,
  choices: Partial<Record<EditableField, MergeChoice>>,
): T {
  const resolved: Record<string, unknown> = { ...merge.merged };
  for (const { field, theirs } of merge.conflicts) {
    if (choices[field] === 'theirs') resolved[field] = theirs;
  }
  return resolved as T;
}

/** Whether two values of a field are the same once saved (text is trimmed and normalised). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.trim().normalize('NFC') === b.trim().normalize('NFC');
  return a === b;
}
