import { extname } from 'node:path';
import * as z from 'zod';
import { EXPORT_FORMATS, type ExportFormat } from '@books/contracts';
import { CommandError, type CommandIo, reasonOf } from './command';

export const DEFAULT_CATALOGUE_URL = 'http://127.0.0.1:8080';

/**
 * The URL of an API path (`api/books/import`) under the catalogue's root URL: `--url`, else
 * CATALOGUE_URL, else the local default. A root with a path (https://example.org/catalogue)
 * keeps it. A malformed or empty setting is refused with its name.
 */
export function apiUrl(path: string, urlOption: string | undefined, env: CommandIo['env']): URL {
  const [name, text] =
    urlOption !== undefined ? ['--url', urlOption] : env['CATALOGUE_URL'] !== undefined ? ['CATALOGUE_URL', env['CATALOGUE_URL']] : ['', DEFAULT_CATALOGUE_URL];
  const root = URL.parse(text);
  if (!root || (root.protocol !== 'http:' && root.protocol !== 'https:')) {
    throw new CommandError(`${name} must be the catalogue's http(s) URL, such as ${DEFAULT_CATALOGUE_URL}, not ${JSON.stringify(text)}`);
  }
  // Resolve against the root as a folder, or its last path segment would be replaced.
  if (!root.pathname.endsWith('/')) root.pathname += '/';
  return new URL(path, root);
}

/**
 * `Authorization: Bearer <CATALOGUE_TOKEN>` when that is set: an access token from the
 * catalogue's identity provider (client credentials, see the README). From the environment,
 * never an option, so that it stays out of shell history and process lists.
 */
export function authorization(env: CommandIo['env']): Record<string, string> {
  const token = env['CATALOGUE_TOKEN']?.trim();
  return token ? { authorization: `Bearer ${token}` } : {};
}

export function isFormat(text: string): text is ExportFormat {
  return (EXPORT_FORMATS as readonly string[]).includes(text);
}

/** The format a file's extension names: .ndjson or .jsonl, .csv, .json. */
export function formatOfFile(path: string): ExportFormat | undefined {
  const extension = extname(path).slice(1).toLowerCase();
  return extension === 'jsonl' ? 'ndjson' : isFormat(extension) ? extension : undefined;
}

/** fetch, with a request that never got an answer (no connection, cut off) as a {@link CommandError}. */
export async function send(url: URL, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    throw new CommandError(`No answer from ${url.origin}: ${reasonOf(error)}`);
  }
}

/** RFC 9457 problem details, as every error response of the API carries them. */
const ProblemSchema = z.object({
  title: z.string(),
  detail: z.string().optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

/**
 * What an error response says: its status, and the problem's title, detail and field errors.
 * Other bodies (an HTML page from a proxy) are not shown: the status says as much.
 */
export async function failureOf(response: Response): Promise<CommandError> {
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  const body = /json/.test(response.headers.get('content-type') ?? '') ? await response.json().catch(() => undefined) : await response.body?.cancel();
  const problem = ProblemSchema.safeParse(body);
  if (!problem.success) return new CommandError(`${response.url}: ${status}`);
  const { title, detail, errors = [] } = problem.data;
  return new CommandError([`${response.url}: ${status}: ${title}`, ...(detail ? [detail] : []), ...errors.map((error) => `  ${error.field}: ${error.message}`)].join('\n'));
}
