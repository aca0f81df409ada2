/** Correlates one request across HTTP, NATS, logs and events. */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * Read-your-writes across replicas and gateways. A write's reply carries the event stream
 * position that includes it (`books-position`); a read that sends a position
 * (`books-min-position`) is answered only once the replica has applied it.
 */
export const POSITION_HEADER = 'books-position';
export const MIN_POSITION_HEADER = 'books-min-position';

/**
 * Who asks for a write, on every write request from the gateway, taken from the verified
 * access token only (never from a body): the token's `sub`, its display name (UTF-8) and
 * `user` or `client`. All three or none; none when sign-in is off.
 */
export const ACTOR_SUBJECT_HEADER = 'books-actor-subject';
export const ACTOR_NAME_HEADER = 'books-actor-name';
export const ACTOR_KIND_HEADER = 'books-actor-kind';
