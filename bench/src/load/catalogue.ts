import type { Book, BookInput, BookPage } from '@books/contracts';
import { versionFromEtag } from './http-load';

const DELETE_ATTEMPTS = 5;

/** A book the benchmark created for itself, and the version it last saw (from ETags). */
export interface OwnedBook {
  id: string;
  version: number;
  /** Which load connection writes it; no other connection touches it, so If-Match never fails. */
  owner: number;
}

/** Untimed set-up and clean-up calls to the API, with fetch. */
export class CatalogueApi {
  constructor(readonly apiUrl: string) {}

  async allIds(): Promise<string[]> {
    const ids: string[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = await this.json<BookPage>(`/books?limit=100&offset=${offset}&sort=createdAt`);
      ids.push(...page.items.map((book) => book.id));
      if (page.items.length < 100) return ids;
    }
  }

  async create(book: BookInput, idempotencyKey: string): Promise<Book> {
    return this.json<Book>('/books', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify(book),
    });
  }

  /** The current version of a book, from its ETag. */
  async version(id: string): Promise<number> {
    const response = await this.request(`/books/${id}`);
    await response.body?.cancel();
    const version = versionFromEtag(response.headers.get('etag'));
    if (version === undefined) throw new Error(`GET /books/${id} gave no ETag`);
    return version;
  }

  /**
   * Deletes a book; 404 counts as done. A 503 or 504 is retried, as the API says it may be,
   * and so are a stale `version` (412) and a clash with an attempt still completing (409):
   * later attempts drop `If-Match`.
   */
  async delete(id: string, version?: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const ifMatch: Record<string, string> = version !== undefined && attempt === 1 ? { 'if-match': `"${version}"` } : {};
      const response = await fetch(`${this.apiUrl}/books/${id}`, { method: 'DELETE', headers: ifMatch });
      await response.body?.cancel();
      if (response.status === 204 || response.status === 404) return;
      const retryable = [409, 412, 503, 504].includes(response.status);
      if (!retryable || attempt === DELETE_ATTEMPTS) throw new Error(`DELETE /books/${id}: HTTP ${response.status} (attempt ${attempt})`);
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }

  /** Deletes every book whose title or author contains `text`; returns how many. */
  async deleteMatching(text: string, concurrency: number): Promise<number> {
    let deleted = 0;
    for (;;) {
      const page = await this.json<BookPage>(`/books?limit=100&q=${encodeURIComponent(text)}`);
      if (page.items.length === 0) return deleted;
      await mapConcurrently(page.items, concurrency, (book) => this.delete(book.id));
      deleted += page.items.length;
    }
  }

  async request(path: string, init?: RequestInit): Promise<Response> {
    const response = await fetch(`${this.apiUrl}${path}`, init);
    if (!response.ok) {
      const body = await response.text();
      throw new Error(`${init?.method ?? 'GET'} ${path}: HTTP ${response.status} ${body.slice(0, 300)}`);
    }
    return response;
  }

  private async json<T>(path: string, init?: RequestInit): Promise<T> {
    return (await (await this.request(path, init)).json()) as T;
  }
}

/** Runs `work` over `items` with at most `concurrency` at a time. */
export async function mapConcurrently<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
