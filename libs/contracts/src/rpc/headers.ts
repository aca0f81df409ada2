/** Correlates one request across HTTP, NATS, logs and events. */
export const REQUEST_ID_HEADER = 'x-request-id';
