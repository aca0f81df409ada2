import type { ReplyError } from '@books/contracts';

/** No replica is subscribed to the subject: nobody will ever answer (HTTP 503). */
export class RpcNoRespondersError extends Error {
  constructor(readonly subject: string) {
    super(`No responder for ${subject}`);
  }
}

/** The request went out but no reply came within the deadline (HTTP 504). */
export class RpcTimeoutError extends Error {
  constructor(
    readonly subject: string,
    readonly timeoutMs: number,
  ) {
    super(`No reply to ${subject} within ${timeoutMs} ms`);
  }
}

/** This process has no NATS connection right now, so the request was not sent (HTTP 503). */
export class RpcDisconnectedError extends Error {
  constructor(readonly subject: string) {
    super(`Not connected to NATS; ${subject} was not sent`);
  }
}

/** The service answered, with an error code. */
export class RpcReplyError extends Error {
  constructor(readonly reply: ReplyError) {
    super(reply.message);
  }
}
