import { Injectable } from '@nestjs/common';
import type { BooksRpc } from '@books/contracts';
import { NatsRpcClient } from '@books/nats-rpc';
import { GatewayConfig } from '../config/gateway.config';

/** Where a REST call becomes a NATS message: typed requests to the books-service. */
@Injectable()
export class BooksClient {
  constructor(
    private readonly rpc: NatsRpcClient,
    private readonly config: GatewayConfig,
  ) {}

  send<S extends keyof BooksRpc>(subject: S, payload: BooksRpc[S]['request'], requestId: string): Promise<BooksRpc[S]['response']> {
    return this.rpc.request(subject, payload, { timeoutMs: this.config.NATS_REQUEST_TIMEOUT_MS, requestId });
  }
}
