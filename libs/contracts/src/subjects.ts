/**
 * Every NATS name the system uses. Wire names carry a version: a breaking change gets a
 * new subject that runs beside the old one instead of changing this one.
 */
export const BooksSubjects = {
  list: 'books.v1.list',
  get: 'books.v1.get',
  create: 'books.v1.create',
  update: 'books.v1.update',
  delete: 'books.v1.delete',
  /** A page of one book's versions, newest first. */
  history: 'books.v1.history',
  /** Brings a deleted book back at the next version, with its id. */
  restore: 'books.v1.restore',
  /** A batch of validated import records (the gateway parses the file). */
  import: 'books.v1.import',
  /** The catalogue a page of up to 1,000 books at a time, oldest first (the gateway streams an export). */
  export: 'books.v1.export',
  /** Answers when a replica is up and its database is reachable. */
  ping: 'books.v1.ping',
} as const;
export type BooksSubject = (typeof BooksSubjects)[keyof typeof BooksSubjects];

/** Replicas of the books-service share requests through this queue group. */
export const BOOKS_QUEUE_GROUP = 'books-service';

/**
 * Internal to the books-service: a NATS key-value bucket where each replica lists the changes
 * it has committed but not yet published (its outbox), so another replica can finish them if
 * it dies. Not a contract for other programs.
 */
export const OUTBOX_BUCKET = 'books_v1_outbox';
