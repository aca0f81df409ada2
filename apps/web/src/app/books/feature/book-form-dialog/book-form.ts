import type { ReadonlyFieldTree, ValidationError } from '@angular/forms/signals';
import { schema, validateTree } from '@angular/forms/signals';
import { BookInputSchema, EDITABLE_FIELDS, toFieldErrors, type Book, type BookInput, type FieldError } from '@books/contracts';

/** The form's values: shaped like the API's input, but not yet checked against its rules. */
export type BookDraft = BookInput;

export const EMPTY_DRAFT: BookDraft = { title: '', author: '', year: null, score: null, read: false };

export function draftOf({ title, author, year, score, read }: Book): BookDraft {
  return { title, author, year, score, read };
}

/**
 * The form's validation is the API's own: the shared contract schema runs over the whole form,
 * and each message lands on the field it names, exactly as the API would report it.
 */
export const bookDraftSchema = schema<BookDraft>((path) => {
  validateTree(path, ({ value, fieldTree }) => {
    const result = BookInputSchema.safeParse(value());
    return result.success ? undefined : toValidationErrors(fieldTree, toFieldErrors(result.error));
  });
});

/** Puts `{ field, message }` errors, from the schema or from an API 400, on the form's fields. */
export function toValidationErrors(
  form: ReadonlyFieldTree<BookDraft>,
  errors: readonly FieldError[],
): ValidationError.WithOptionalFieldTree[] {
  return errors.map(({ field, message }) => ({
    kind: 'contract',
    message,
    // An error about no field in particular ("body") belongs to the form as a whole.
    fieldTree: isDraftField(field) ? form[field] : form,
  }));
}

function isDraftField(field: string): field is keyof BookDraft {
  return (EDITABLE_FIELDS as readonly string[]).includes(field);
}
