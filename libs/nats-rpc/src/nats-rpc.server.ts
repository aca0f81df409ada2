import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import type { PinoLogger } from 'nestjs-pino';
import { lastValueFrom } from 'rxjs';
import { ErrorCode, type ReplyError, type RpcReply } from '@books/contracts';
import { MessagingAttributes } from '@books/server-kit';
import { encodeJson } from './json.codec';
import type { NatsConnectionManager, Responder } from './nats-connection.manager';
import { NatsRpcContext } from './nats-rpc.context';
import { rpcServerDuration, rpcServerInFlight } from './rpc.metrics';
import { extractTraceContext } from './trace-context';

const tracer = trace.getTracer('@books/nats-rpc');

export interface NatsRpcServerOptions {
  /** Replicas in the same queue group share the requests: each one is handled once. */
  queue: string;
  /**
   * Logs one line per request, and gives every log made while handling it the request id
   * and subject (the NATS counterpart of pino-http's request logging).
   */
  logger?: PinoLogger;
  /**
   * Trace each request (OpenTelemetry): a span per request, child of the trace context in
   * its headers, active while the handler runs. Off: the headers are not even looked at.
   */
  tracing?: boolean;
}

/**
 * A NestJS transport strategy for request/reply on core NATS, built on nats.js v3.
 * Handlers keep the usual `@MessagePattern()` / `@Payload()` / `@Ctx()` model; what this
 * adds over Nest's built-in NATS transport is a plain JSON envelope (`{data}` or
 * `{error}`), queue groups, and no request lost when it stops taking them: at shutdown it
 * answers the ones already received and only then lets the connection close; when its NATS
 * server goes away (lame duck mode) it does the same before the connection moves, and takes
 * requests again on the new server.
 */
export class NatsRpcServer extends Server implements CustomTransportStrategy, Responder {
  protected override readonly logger = new Logger(NatsRpcServer.name);
  private subscriptions: Subscription[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();
  private closed = false;

  constructor(
    private readonly nats: () => NatsConnectionManager,
    private readonly options: NatsRpcServerOptions,
  ) {
    super();
  }

  listen(callback: (error?: unknown) => void): void {
    try {
      this.subscribe();
      this.nats().addResponder(this);
      // Subscribing only queues the SUBs; the round trip of a flush means nats-server has them,
      // so a request sent once listen() resolves cannot meet "no responders".
      this.connection.flush().then(() => {
        this.logger.log(`Answering ${this.messageHandlers.size} subjects in queue group "${this.options.queue}"`);
        callback();
      }, callback);
    } catch (error) {
      callback(error);
    }
  }

  pause(): Promise<void> {
    return this.stopTaking('Stopped taking requests on this NATS server');
  }

  resume(): void {
    if (this.closed || this.subscriptions.length > 0) return;
    this.subscribe();
    this.logger.log('Taking requests again');
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.stopTaking('Stopped taking requests');
    this.logger.log('Drained');
  }

  /**
   * Drains the subscriptions (not unsubscribing, which drops at once whatever is still on its
   * way: the requests the server routed here before it had the UNSUB arrive before its PONG and
   * are handled), then waits for every request in flight to be answered.
   */
  private async stopTaking(what: string): Promise<void> {
    const subscriptions = this.subscriptions;
    this.subscriptions = [];
    await Promise.all(subscriptions.map((sub) => sub.drain().catch(() => undefined)));
    this.logger.log(`${what}; finishing ${this.inFlight.size} in flight`);
    await Promise.allSettled([...this.inFlight]);
  }

  /** How many requests are being handled right now. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }

  on(): never {
    throw new Error('NatsRpcServer has no events to listen to; use NatsConnectionManager');
  }

  unwrap<T>(): T {
    return this.connection as T;
  }

  private get connection(): NatsConnection {
    return this.nats().connection;
  }

  private subscribe(): void {
    for (const [subject, handler] of this.messageHandlers) {
      const queue = (handler.extras?.['queue'] as string | undefined) ?? this.options.queue;
      this.subscriptions.push(
        this.connection.subscribe(subject, { queue, callback: (error, msg) => (error ? this.logger.error(error) : this.track(this.handle(msg, handler))) }),
      );
    }
  }

  private track(work: Promise<unknown>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private handle(msg: Msg, handler: MessageHandler): Promise<string> {
    const context = new NatsRpcContext([msg.subject, msg.headers]);
    const { logger } = this.options;
    const answer = () => (this.options.tracing ? this.traced(msg, handler, context) : this.answer(msg, handler, context));
    if (!logger) return answer();
    const bindings = { requestId: context.getRequestId() ?? randomUUID(), subject: msg.subject };
    return logger.runInContext(answer, { bindings });
  }

  /** Answers inside a span (when the caller's trace is sampled), which is active for the handler. */
  private async traced(msg: Msg, handler: MessageHandler, rpcContext: NatsRpcContext): Promise<string> {
    const parent = extractTraceContext(msg.headers);
    const span = tracer.startSpan(`process ${msg.subject}`, { kind: SpanKind.SERVER }, parent);
    if (span.isRecording()) {
      span.setAttributes({
        [MessagingAttributes.system]: 'nats',
        [MessagingAttributes.destination]: msg.subject,
        [MessagingAttributes.operationName]: 'process',
        [MessagingAttributes.operationType]: 'process',
        [MessagingAttributes.consumerGroup]: this.options.queue,
      });
    }
    try {
      const outcome = await context.with(trace.setSpan(parent, span), () => this.answer(msg, handler, rpcContext));
      if (outcome !== 'ok') span.setAttribute(ATTR_ERROR_TYPE, outcome);
      if (outcome === ErrorCode.Internal) span.setStatus({ code: SpanStatusCode.ERROR });
      return outcome;
    } finally {
      span.end();
    }
  }

  /** Handles the request and replies; resolves to the outcome (`ok` or the reply's error code). */
  private async answer(msg: Msg, handler: MessageHandler, context: NatsRpcContext): Promise<string> {
    const started = performance.now();
    rpcServerInFlight.inc();
    let reply: RpcReply<unknown>;
    try {
      const payload = decodePayload(msg);
      const result = await handler(payload, context);
      reply = { data: (await lastValueFrom(this.transformToObservable(result), { defaultValue: null })) ?? null };
    } catch (error) {
      reply = { error: toReplyError(error) };
    }
    if (msg.reply) msg.respond(encodeJson(reply), { headers: context.getReplyHeaders() });
    rpcServerInFlight.dec();
    const outcome = 'error' in reply ? reply.error.code : 'ok';
    const seconds = (performance.now() - started) / 1000;
    rpcServerDuration.observe({ subject: msg.subject, outcome }, seconds);
    const line = { outcome, durationMs: Math.round(seconds * 10_000) / 10 };
    if (outcome === ErrorCode.Internal) this.options.logger?.error(line, `${msg.subject} failed`);
    else this.options.logger?.info(line, `${msg.subject} ${outcome}`);
    return outcome;
  }
}

class InvalidPayloadError {
  readonly code = ErrorCode.ValidationFailed;
  readonly message = 'The message payload is not valid JSON';
}

function decodePayload(msg: Msg): unknown {
  try {
    return msg.json();
  } catch {
    throw new InvalidPayloadError();
  }
}

const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

/** Exception filters hand over plain objects; anything without a known code is our fault. */
function toReplyError(error: unknown): ReplyError {
  if (typeof error === 'object' && error !== null && 'code' in error && KNOWN_CODES.has(String(error.code))) {
    const { code, message, errors } = error as ReplyError;
    return errors ? { code, message, errors } : { code, message };
  }
  return { code: ErrorCode.Internal, message: 'The books-service failed to handle the request' };
}
