import type { RawResponse } from './raw-http';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';
export const PROBLEM_TYPE_PREFIX = 'urn:books-catalogue:problem:';

/** One answer, however it was requested (fetch or a raw socket), with the body kept as text. */
export interface Reply {
  status: number;
  contentType: string | null;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  /** A string goes out as UTF-8; bytes go out as they are, and without a content-type unless given. */
  body?: string | Uint8Array;
}

/** fetch, keeping the raw text of the answer: these tests look at what a client would see. */
export async function fetchReply(url: string, { method = 'GET', headers, body }: SendOptions = {}): Promise<Reply> {
  const response = await fetch(url, { method, headers, body: body as BodyInit | undefined, redirect: 'manual' });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type'), text, json: parseJson(text) };
}

export function fromRaw(response: RawResponse): Reply {
  return { status: response.status, contentType: response.headers['content-type'] ?? null, text: response.text, json: parseJson(response.text) };
}

function parseJson(text: string): any {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What must never reach a client: stack frames, dependency or source paths, where the
 * code lives on the server.
 */
const INTERNALS: [string, RegExp][] = [
  ['a stack frame', /\bat [\w.<>$[\] ]+ \(/],
  ['a node_modules path', /node_modules/],
  ['a TypeScript source location', /\.ts:/],
  ['a server path', /\/work\//],
];

/** Names the internal detail a response body gives away, if any. */
export function leakedInternals(text: string): string | undefined {
  return INTERNALS.find(([, pattern]) => pattern.test(text))?.[0];
}

export interface ProblemExpectation {
  /** The slug after `urn:books-catalogue:problem:`. */
  type?: string;
  /** A field that `errors` must name. */
  field?: string;
}

/**
 * An RFC 9457 answer as the README promises it: the status, the problem media type, and
 * `type`, `title`, `status` (equal to the HTTP status) and `detail`, with nothing internal.
 */
export function expectProblem(reply: Reply, status: number, { type, field }: ProblemExpectation = {}): void {
  const seen = `${reply.status} ${reply.contentType} ${reply.text.slice(0, 400)}`;
  expect({ status: reply.status, seen }).toEqual({ status, seen });
  expect({ contentType: reply.contentType, seen }).toEqual({ contentType: PROBLEM_CONTENT_TYPE, seen });
  expect(reply.json).toEqual(
    expect.objectContaining({
      type: type ? `${PROBLEM_TYPE_PREFIX}${type}` : expect.stringMatching(new RegExp(`^${PROBLEM_TYPE_PREFIX}[a-z0-9-]+$`)),
      title: expect.any(String),
      status,
      detail: expect.any(String),
    }),
  );
  if (field !== undefined) {
    expect(reply.json.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, message: expect.any(String) })]));
  }
  expect(leakedInternals(reply.text)).toBeUndefined();
}
