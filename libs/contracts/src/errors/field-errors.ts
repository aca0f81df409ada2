import type { z } from 'zod';
import type { FieldError } from './error-codes';

/**
 * Turns a Zod error into one `{ field, message }` per problem, the shape the API returns
 * and the web forms show next to their inputs.
 */
export function toFieldErrors(error: z.ZodError, root = 'body'): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    const prefix = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: prefix ? `${prefix}.${key}` : key,
        message: root === 'query' ? 'Unknown query parameter' : 'Unknown field',
      }));
    }
    return [{ field: prefix || root, message: issue.message }];
  });
}
