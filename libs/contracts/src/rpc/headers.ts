/** Correlates one request across HTTP, NATS, logs and events. */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * Read-your-writes across replicas and gateways. A write's reply carries the event stream
 * position that includes it (`books-position`); a read that sends a position
 * (`books-min-position`) is answered only once the replica has applied it.
 */
export const POSITION_HEADER = 'books-position';
export const MIN_POSITION_HEADER = 'books-min-position';
