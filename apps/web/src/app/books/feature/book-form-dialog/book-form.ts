import type { ReadonlyFieldTree, ValidationError } from '@angular/forms/signals';
import { schema, validateTree } from '@angular/forms/signals';
import {
  BOOK_RULES,
  BookInputSchema,
  EDITABLE_FIELDS,
  type Book,
  type BookInput,
  type EditableField,
  type FieldError,
  toFieldErrors,
} from '@books/contracts';

/**
 * The form's values: the API's input, not yet checked against its rules, with the year as
 * typed. The year is a text field because a phone's number pad has no minus sign, and a year
 * before the common era is negative.
 */
export interface BookDraft {
  readonly title: string;
  readonly author: string;
  readonly year: string;
  readonly score: number | null;
  readonly read: boolean;
}

export const EMPTY_DRAFT: BookDraft = { title: '', author: '', year: '', score: null, read: false };

export function draftOf({ title, author, year, score, read }: Pick<Book, EditableField>): BookDraft {
  return { title, author, year: year === null ? '' : String(year), score, read };
}

/**
 * The draft as the API would receive it. A year that is not a whole number stays text, for
 * the schema to refuse it; the API's own rules stay the only judge of what is valid.
 */
export function inputOf(draft: BookDraft): Omit<BookInput, 'year'> & { year: number | string | null } {
  return { ...draft, year: parseYear(draft.year) };
}

/** Whole numbers, with a hyphen or the typographic minus a phone keyboard may offer. */
function parseYear(text: string): number | string | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return /^[-\u2212]?\d{1,9}$/.test(trimmed) ? Number(trimmed.replace('\u2212', '-')) : text;
}

/**
 * The form's validation is the API's own: the shared contract schema runs over the whole form,
 * and each message lands on the field it names.
 */
export const bookDraftSchema = schema<BookDraft>((path) => {
  validateTree(path, ({ value, fieldTree }) => {
    const result = BookInputSchema.safeParse(inputOf(value()));
    return result.success ? undefined : toValidationErrors(fieldTree, toFieldErrors(result.error), value());
  });
});

/** Puts `{ field, message }` errors, from the schema or from an API 400, on the form's fields. */
export function toValidationErrors(
  form: ReadonlyFieldTree<BookDraft>,
  errors: readonly FieldError[],
  draft?: BookDraft,
): ValidationError.WithOptionalFieldTree[] {
  return errors.map(({ field, message }) => ({
    kind: 'contract',
    message: readerMessage(field, message, draft),
    // An error about no field in particular ("body") belongs to the form as a whole.
    fieldTree: isDraftField(field) ? form[field] : form,
  }));
}

export const SCORE_MESSAGE = `Score is a whole number from ${BOOK_RULES.score.min} to ${BOOK_RULES.score.max}, or empty`;
export const YEAR_MESSAGE = 'Year is a whole number, negative for BCE, up to next year, or empty';
export const EARLIEST_YEAR_MESSAGE = `Year is a whole number from ${BOOK_RULES.year.min} (${-BOOK_RULES.year.min} BCE) up to next year, or empty`;

/**
 * The schema speaks to programs ("a whole number or null"); the form speaks to people. Numbers
 * get one message that says everything a valid value is; text messages already read well.
 */
export function readerMessage(field: string, message: string, draft?: BookDraft): string {
  if (field === 'score') return SCORE_MESSAGE;
  if (field === 'year') {
    const year = draft && parseYear(draft.year);
    return typeof year === 'number' && year < BOOK_RULES.year.min ? EARLIEST_YEAR_MESSAGE : YEAR_MESSAGE;
  }
  return message;
}

function isDraftField(field: string): field is keyof BookDraft {
  return (EDITABLE_FIELDS as readonly string[]).includes(field);
}
