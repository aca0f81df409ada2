import { Injectable } from '@nestjs/common';
import { type BooksRpc, BooksSubjects } from '@books/contracts';
import { NatsRpcClient } from '@books/nats-rpc';
import { GatewayConfig } from '../config/gateway.config';

/** Where a REST call becomes a NATS message: typed requests to the books-service. */
@Injectable()
export class BooksClient {
  constructor(
    private readonly rpc: NatsRpcClient,
    private readonly config: GatewayConfig,
  ) {}

  /**
   * Sends one request with the configured deadline. Reads, and creates with an
   * Idempotency-Key, are retried once on a timeout or no responder; other writes are not,
   * because their outcome is unknown then and a retry could report a misleading 412/404.
   */
  send<S extends keyof BooksRpc>(subject: S, payload: BooksRpc[S]['request'], requestId: string): Promise<BooksRpc[S]['response']> {
    return this.rpc.request(subject, payload, {
      timeoutMs: this.config.NATS_REQUEST_TIMEOUT_MS,
      requestId,
      idempotent: isIdempotent(subject, payload),
    });
  }
}

function isIdempotent(subject: keyof BooksRpc, payload: unknown): boolean {
  if (subject === BooksSubjects.list || subject === BooksSubjects.get) return true;
  return subject === BooksSubjects.create && !!(payload as BooksRpc[typeof BooksSubjects.create]['request']).idempotencyKey;
}
