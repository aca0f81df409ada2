import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { ClosedConnectionError, DrainingConnectionError, type MsgHdrs, RequestError, TimeoutError, headers } from '@nats-io/transport-node';
import { type Context, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import { REQUEST_ID_HEADER, isErrorReply, type RpcReply } from '@books/contracts';
import { MessagingAttributes } from '@books/server-kit';
import { NatsConnectionManager } from './nats-connection.manager';
import { RpcDisconnectedError, RpcNoRespondersError, RpcReplyError, RpcTimeoutError } from './rpc.errors';
import { encodeJson } from './json.codec';
import { type RpcOutcome, rpcClientDuration, rpcClientRetries } from './rpc.metrics';
import { injectTraceContext } from './trace-context';

const tracer = trace.getTracer('@books/nats-rpc');

/** How long a request waits for a connection that has just dropped to come back (on another node of a cluster). */
const RECONNECT_GRACE_MS = 1_000;
/** How long a request is sent again while no replica listens (see `toAResponder`). */
const NO_RESPONDERS_GRACE_MS = 500;

export interface RpcRequestOptions {
  timeoutMs: number;
  requestId?: string;
  /**
   * Safe to send twice (a read, or a write with an idempotency key): when the first try
   * times out or finds no responder, try once more, on whichever replica answers.
   */
  idempotent?: boolean;
  /** Extra headers for the request. */
  headers?: Record<string, string>;
  /** Called with the reply's headers (metadata the service sent beside the payload). */
  onReplyHeaders?: (headers: MsgHdrs) => void;
}

/**
 * Request/reply over core NATS. Each failure comes back as its own error type, because
 * callers treat them differently: nobody listening (503) is not the same as nobody
 * answering in time (504), and neither is an error the service chose to send.
 */
@Injectable()
export class NatsRpcClient {
  constructor(private readonly nats: NatsConnectionManager) {}

  async request<T>(subject: string, payload: unknown, options: RpcRequestOptions): Promise<T> {
    try {
      return await this.toAResponder<T>(subject, payload, options);
    } catch (error) {
      if (!options.idempotent || !(error instanceof RpcTimeoutError)) throw error;
      // A replica killed mid-request never answers: another try usually finds a live one.
      rpcClientRetries.inc({ subject });
      return this.toAResponder<T>(subject, payload, options);
    }
  }

  /**
   * Sends, and again while nobody listens, for up to half a second. Nobody received the request,
   * so even a write is safe to send again. Replicas leave a moment with nobody subscribed when
   * they restart, or move to another node of a cluster (its node going away in lame duck mode):
   * all of them at once when they were on the same node.
   */
  private async toAResponder<T>(subject: string, payload: unknown, options: RpcRequestOptions): Promise<T> {
    const deadline = Date.now() + NO_RESPONDERS_GRACE_MS;
    for (let pauseMs = 25; ; pauseMs = Math.min(2 * pauseMs, 200)) {
      try {
        return await this.measured<T>(subject, payload, options);
      } catch (error) {
        if (!(error instanceof RpcNoRespondersError) || Date.now() + pauseMs > deadline) throw error;
        rpcClientRetries.inc({ subject });
        await sleep(pauseMs);
      }
    }
  }

  private async measured<T>(subject: string, payload: unknown, options: RpcRequestOptions): Promise<T> {
    const stopTimer = rpcClientDuration.startTimer({ subject });
    // A span per try, only inside a sampled trace. While tracing is off no span is ever active;
    // inside an unsampled one, its context still goes along, so the service does not trace either.
    const parent = context.active();
    const active = trace.getSpan(parent);
    const span = active?.isRecording()
      ? tracer.startSpan(
          `request ${subject}`,
          {
            kind: SpanKind.CLIENT,
            attributes: { [MessagingAttributes.system]: 'nats', [MessagingAttributes.destination]: subject, [MessagingAttributes.operationName]: 'request', [MessagingAttributes.operationType]: 'send' },
          },
          parent,
        )
      : undefined;
    let outcome: RpcOutcome = 'ok';
    try {
      return await this.send<T>(subject, payload, options, active && (span ? trace.setSpan(parent, span) : parent));
    } catch (error) {
      outcome = outcomeOf(error);
      span?.setAttribute(ATTR_ERROR_TYPE, outcome);
      // A reply error is the service's answer (a 404, a 412); the others are failures of the hop.
      if (!(error instanceof RpcReplyError)) span?.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      stopTimer({ outcome });
      span?.end();
    }
  }

  private async send<T>(subject: string, payload: unknown, { timeoutMs, requestId, headers: extra, onReplyHeaders }: RpcRequestOptions, traced?: Context): Promise<T> {
    // While reconnecting, nats.js would buffer the request and let it time out; answering at
    // once is kinder to the caller and to the gateway's sockets. Unless the connection has only
    // just dropped: in a cluster the client is on another node a few milliseconds later.
    if (!(await this.nats.reconnected(RECONNECT_GRACE_MS))) throw new RpcDisconnectedError(subject);
    const h = headers();
    if (requestId) h.set(REQUEST_ID_HEADER, requestId);
    for (const [name, value] of Object.entries(extra ?? {})) h.set(name, value);
    if (traced) injectTraceContext(traced, h);
    let reply: RpcReply<T>;
    try {
      const msg = await this.nats.track(this.nats.connection.request(subject, encodeJson(payload), { timeout: timeoutMs, headers: h }));
      reply = msg.json<RpcReply<T>>();
      if (msg.headers && onReplyHeaders) onReplyHeaders(msg.headers);
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

function outcomeOf(error: unknown): RpcOutcome {
  if (error instanceof RpcReplyError) return error.reply.code;
  if (error instanceof RpcNoRespondersError) return 'no_responders';
  if (error instanceof RpcTimeoutError) return 'timeout';
  if (error instanceof RpcDisconnectedError) return 'disconnected';
  return 'failed';
}
