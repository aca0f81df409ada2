import { readFileSync } from 'node:fs';
import type * as z from 'zod';

/** A file's settings could not be used; the message names the file and what is wrong. */
export class SettingsFileError extends Error {
  override readonly name = 'SettingsFileError';
}

/** Reads and validates a JSON file, or throws a SettingsFileError that says which entry is wrong and why. */
export function readJsonFile<S extends z.ZodType>(path: string, what: string, schema: S): z.output<S> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SettingsFileError(`Cannot read the ${what} file ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SettingsFileError(`The ${what} file ${path} is not JSON: ${(error as Error).message}`);
  }
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  ${issue.path.length ? issue.path.join('.') : '(file)'}: ${issue.message}`);
  throw new SettingsFileError(`The ${what} file ${path} is not valid:\n${problems.join('\n')}`);
}
