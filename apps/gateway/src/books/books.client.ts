import { Injectable } from '@nestjs/common';
import {
  ErrorCode,
  type Book,
  type BookPage,
  type BooksRpc,
  BooksSubjects,
  type CreateBookRequest,
  type DeleteBookRequest,
  type ListBooksRequest,
  type UpdateBookRequest,
} from '@books/contracts';
import { NatsRpcClient, RpcReplyError, RpcTimeoutError } from '@books/nats-rpc';
import { GatewayConfig } from '../config/gateway.config';
import { BookReadCache } from './book-read.cache';

/**
 * Where a REST call becomes a NATS message: one typed request to the books-service per
 * operation, with the configured deadline and the request id.
 *
 * Reads go through the event-invalidated cache and are retried once on a timeout or when no
 * replica answers; so are creates with an Idempotency-Key. Other writes are not retried:
 * after a timeout their outcome is unknown, and a retry could report a misleading 412 or 404.
 * Every write drops what it may have changed from the cache before it answers, so a client
 * reads its own writes through this gateway without waiting for the event.
 */
@Injectable()
export class BooksClient {
  constructor(
    private readonly rpc: NatsRpcClient,
    private readonly config: GatewayConfig,
    private readonly cache: BookReadCache,
  ) {}

  list(request: ListBooksRequest, requestId: string): Promise<BookPage> {
    return this.cache.list(request, () => this.send(BooksSubjects.list, request, requestId, true));
  }

  get(id: string, requestId: string): Promise<Book> {
    return this.cache.book(id, () => this.send(BooksSubjects.get, { id }, requestId, true));
  }

  async create(request: CreateBookRequest, requestId: string): Promise<Book> {
    try {
      const book = await this.send(BooksSubjects.create, request, requestId, !!request.idempotencyKey);
      this.cache.invalidate(book.id);
      return book;
    } catch (error) {
      this.cache.invalidateLists();
      throw error;
    }
  }

  update(request: UpdateBookRequest, requestId: string): Promise<Book> {
    return this.send(BooksSubjects.update, request, requestId, false).finally(() => this.cache.invalidate(request.id));
  }

  delete(request: DeleteBookRequest, requestId: string): Promise<BooksRpc[typeof BooksSubjects.delete]['response']> {
    return this.send(BooksSubjects.delete, request, requestId, false).finally(() => this.cache.invalidate(request.id));
  }

  private send<S extends keyof BooksRpc>(
    subject: S,
    payload: BooksRpc[S]['request'],
    requestId: string,
    idempotent: boolean,
  ): Promise<BooksRpc[S]['response']> {
    const reply: Promise<BooksRpc[S]['response']> = this.rpc.request(subject, payload, { timeoutMs: this.config.NATS_REQUEST_TIMEOUT_MS, requestId, idempotent });
    if (idempotent) return reply;
    // No answer to a write that is not safe to repeat: it may have been committed or not.
    return reply.catch((error: unknown) => {
      if (!(error instanceof RpcTimeoutError)) throw error;
      throw new RpcReplyError({
        code: ErrorCode.OutcomeUnknown,
        message: `The books-service did not answer within ${error.timeoutMs} ms; the change may or may not have been saved. Read the book before retrying.`,
      });
    });
  }
}
