import { Injectable } from '@nestjs/common';
import { ClosedConnectionError, DrainingConnectionError, RequestError, TimeoutError, headers } from '@nats-io/transport-node';
import { REQUEST_ID_HEADER, isErrorReply, type RpcReply } from '@books/contracts';
import { NatsConnectionManager } from './nats-connection.manager';
import { RpcDisconnectedError, RpcNoRespondersError, RpcReplyError, RpcTimeoutError } from './rpc.errors';
import { encodeJson } from './json.codec';

export interface RpcRequestOptions {
  timeoutMs: number;
  requestId?: string;
}

/**
 * Request/reply over core NATS. Each failure comes back as its own error type, because
 * callers treat them differently: nobody listening (503) is not the same as nobody
 * answering in time (504), and neither is an error the service chose to send.
 */
@Injectable()
export class NatsRpcClient {
  constructor(private readonly nats: NatsConnectionManager) {}

  async request<T>(subject: string, payload: unknown, { timeoutMs, requestId }: RpcRequestOptions): Promise<T> {
    // While reconnecting, nats.js would buffer the request and let it time out;
    // answering at once is kinder to the caller and to the gateway's sockets.
    if (!this.nats.connected) throw new RpcDisconnectedError(subject);
    const h = headers();
    if (requestId) h.set(REQUEST_ID_HEADER, requestId);
    let reply: RpcReply<T>;
    try {
      const msg = await this.nats.connection.request(subject, encodeJson(payload), { timeout: timeoutMs, headers: h });
      reply = msg.json<RpcReply<T>>();
    } catch (error) {
      if (error instanceof RequestError && error.isNoResponders()) throw new RpcNoRespondersError(subject);
      if (error instanceof TimeoutError || (error instanceof RequestError && error.cause instanceof TimeoutError)) {
        throw new RpcTimeoutError(subject, timeoutMs);
      }
      if (error instanceof ClosedConnectionError || error instanceof DrainingConnectionError) {
        throw new RpcDisconnectedError(subject);
      }
      throw error;
    }
    if (isErrorReply(reply)) throw new RpcReplyError(reply.error);
    return reply.data;
  }
}
