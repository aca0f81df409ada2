import type { ReplyError } from '../errors/error-codes';

/** Every books-service reply is exactly one of these. */
export type RpcReply<T> = { data: T } | { error: ReplyError };

export function isErrorReply<T>(reply: RpcReply<T>): reply is { error: ReplyError } {
  return 'error' in reply;
}
