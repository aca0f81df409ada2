import { ConnectionString } from 'mongodb-connection-string-url';

/**
 * The database a MongoDB connection string names in its path (`mongodb://h1,h2/books?...`),
 * or `fallback` when it names none. Parsed as the driver parses it, so seed lists,
 * credentials and options do not confuse it.
 */
export function mongoDatabaseName(url: string, fallback = 'books'): string {
  return decodeURIComponent(new ConnectionString(url).pathname.slice(1)) || fallback;
}

/** The same connection string (hosts, credentials, options kept) naming another database. */
export function withMongoDatabase(url: string, database: string): string {
  const connectionString = new ConnectionString(url);
  connectionString.pathname = `/${encodeURIComponent(database)}`;
  return connectionString.toString();
}
