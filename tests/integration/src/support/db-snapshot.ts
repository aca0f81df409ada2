import { isDeepStrictEqual } from 'node:util';
import { type Document, MongoClient } from 'mongodb';
import { waitFor } from '@books/stack';

/** Every collection the books-service writes: the books and the change log. */
export const CATALOGUE_COLLECTIONS = ['books', 'book_changes'] as const;

export type DatabaseSnapshot = Record<(typeof CATALOGUE_COLLECTIONS)[number], Document[]>;

/** The full contents of the catalogue's collections, read directly, each sorted by `_id`. */
export async function snapshotDatabase(mongoUrl: string): Promise<DatabaseSnapshot> {
  const client = new MongoClient(mongoUrl);
  try {
    const db = client.db();
    const [books, book_changes] = await Promise.all(CATALOGUE_COLLECTIONS.map((name) => db.collection(name).find({}).sort({ _id: 1 }).toArray()));
    return { books, book_changes };
  } finally {
    await client.close();
  }
}

/**
 * A snapshot once the database has settled: seeding done, every change applied, and two
 * reads in a row alike. Comparing against anything earlier would blame a request for the
 * start-up's own writes.
 */
export async function settledSnapshot(mongoUrl: string, { minBooks = 0, timeoutMs = 30_000 } = {}): Promise<DatabaseSnapshot> {
  let previous: DatabaseSnapshot | undefined;
  return waitFor(
    'the database to settle',
    async () => {
      const current = await snapshotDatabase(mongoUrl);
      const settled =
        current.books.length >= minBooks &&
        current.book_changes.length >= current.books.length &&
        previous !== undefined &&
        isDeepStrictEqual(previous, current);
      previous = current;
      return settled ? current : undefined;
    },
    { timeoutMs, intervalMs: 250 },
  );
}
