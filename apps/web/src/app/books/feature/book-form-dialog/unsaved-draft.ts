import { BookSchema } from '@books/contracts';
import * as z from 'zod';
import type { BookDraft } from './book-form';

/**
 * A form the user could not save because their sign-in ended, kept in sessionStorage across the
 * round trip to the identity provider: this tab only, gone when the tab closes.
 */
export const UNSAVED_DRAFT_KEY = 'books.unsaved-draft';

export interface UnsavedDraft {
  /** The version the values build on (a save names it in If-Match); none for a new book. */
  readonly book?: z.infer<typeof BookSchema>;
  readonly values: BookDraft;
}

const UnsavedDraftSchema = z.object({
  book: BookSchema.optional(),
  values: z.object({ title: z.string(), author: z.string(), year: z.string(), score: z.number().nullable(), read: z.boolean() }),
});

export function keepDraft(draft: UnsavedDraft, storage: Storage = sessionStorage): void {
  storage.setItem(UNSAVED_DRAFT_KEY, JSON.stringify(draft));
}

/** The kept draft, once: it is removed as it is read. Anything unreadable is dropped. */
export function takeDraft(storage: Storage = sessionStorage): UnsavedDraft | undefined {
  const text = storage.getItem(UNSAVED_DRAFT_KEY);
  if (text === null) return undefined;
  storage.removeItem(UNSAVED_DRAFT_KEY);
  try {
    const parsed = UnsavedDraftSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
