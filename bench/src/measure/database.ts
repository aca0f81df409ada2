import { MongoClient } from 'mongodb';
import { mongoDatabaseName } from '@books/server-kit';

const COLLECTIONS = ['books', 'book_changes'] as const;

/**
 * Document counts of the catalogue's collections, read straight from the database of a local
 * topology: how much change log each scenario leaves (the write path never scans it).
 */
export class CollectionSizes {
  private constructor(private readonly client: MongoClient, private readonly database: string) {}

  /** `mongoUrl` as the replicas use it: seed list, credentials and options kept. */
  static async connect(mongoUrl: string): Promise<CollectionSizes> {
    const client = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 5_000, maxPoolSize: 1 });
    await client.connect();
    return new CollectionSizes(client, mongoDatabaseName(mongoUrl));
  }

  async read(): Promise<Record<string, number>> {
    const db = this.client.db(this.database);
    const sizes: Record<string, number> = {};
    for (const name of COLLECTIONS) sizes[name] = await db.collection(name).estimatedDocumentCount();
    return sizes;
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
