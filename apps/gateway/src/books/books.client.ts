import { Injectable } from '@nestjs/common';
import {
  ErrorCode,
  type Book,
  type BookHistoryPage,
  type BookHistoryRequest,
  type BookPage,
  type BooksRpc,
  BooksSubjects,
  type CreateBookRequest,
  type DeleteBookRequest,
  type ImportBooksRequest,
  type ImportBooksResponse,
  type ListBooksRequest,
  MIN_POSITION_HEADER,
  POSITION_HEADER,
  type RestoreBookRequest,
  type UpdateBookRequest,
} from '@books/contracts';
import type { MsgHdrs } from '@nats-io/transport-node';
import { NatsRpcClient, RpcReplyError, RpcTimeoutError } from '@books/nats-rpc';
import { GatewayConfig } from '../config/gateway.config';
import { BookReadCache } from './book-read.cache';
import { actorHeaders } from '../auth/actor';
import type { Caller } from '../auth/caller';

/**
 * Where a REST call becomes a NATS message: one typed request to the books-service per
 * operation, with the configured deadline and the request id.
 *
 * Reads go through the event-invalidated cache and are retried once on a timeout or when no
 * replica answers; so are creates with an Idempotency-Key. Other writes are not retried:
 * after a timeout their outcome is unknown, and a retry could report a misleading 412 or 404.
 * Every write drops what it may have changed from the cache before it answers, so a client
 * reads its own writes through this gateway without waiting for the event; and every write
 * answers with the event stream position that includes it, which the client's next reads
 * send back (through any gateway, to any replica: see BooksController).
 */
/**
 * How long one import batch (up to 500 books: a round or two, ~0.3 s here) may take before it
 * is sent again (it is idempotent). A replica killed mid-batch costs the import this long.
 */
const IMPORT_BATCH_TIMEOUT_MS = 10_000;

/** A write's answer and the event stream position that includes it. */
export interface Positioned<T> {
  value: T;
  position?: number;
}

interface SendOptions {
  requestId: string;
  idempotent: boolean;
  minPosition?: number;
  timeoutMs?: number;
  /** Who asks for a write (from the verified token), sent as actor headers. */
  caller?: Caller;
  onReplyHeaders?: (headers: MsgHdrs) => void;
}

@Injectable()
export class BooksClient {
  /** The highest position of a write this gateway has answered: its reads never go back past it. */
  private written = 0;

  constructor(
    private readonly rpc: NatsRpcClient,
    private readonly config: GatewayConfig,
    private readonly cache: BookReadCache,
  ) {}

  list(request: ListBooksRequest, requestId: string, seen?: number): Promise<BookPage> {
    const minPosition = this.atLeast(seen);
    const load = () => this.send(BooksSubjects.list, request, { requestId, idempotent: true, minPosition });
    // A position this gateway has not seen yet: the cache cannot hold it.
    return this.cache.covers(minPosition) ? this.cache.list(request, load) : load();
  }

  get(id: string, requestId: string, seen?: number): Promise<Book> {
    const minPosition = this.atLeast(seen);
    const load = () => this.send(BooksSubjects.get, { id }, { requestId, idempotent: true, minPosition });
    return this.cache.covers(minPosition) ? this.cache.book(id, load) : load();
  }

  async create(request: CreateBookRequest, requestId: string, caller?: Caller): Promise<Positioned<Book>> {
    try {
      const created = await this.write(BooksSubjects.create, request, { requestId, caller, idempotent: !!request.idempotencyKey });
      this.cache.invalidate(created.value.id);
      return created;
    } catch (error) {
      this.cache.invalidateLists();
      throw error;
    }
  }

  update(request: UpdateBookRequest, requestId: string, caller?: Caller): Promise<Positioned<Book>> {
    return this.write(BooksSubjects.update, request, { requestId, caller, idempotent: false }).finally(() => this.cache.invalidate(request.id));
  }

  delete(request: DeleteBookRequest, requestId: string, caller?: Caller): Promise<Positioned<BooksRpc[typeof BooksSubjects.delete]['response']>> {
    return this.write(BooksSubjects.delete, request, { requestId, caller, idempotent: false }).finally(() => this.cache.invalidate(request.id));
  }

  history(request: BookHistoryRequest, requestId: string, seen?: number): Promise<BookHistoryPage> {
    return this.send(BooksSubjects.history, request, { requestId, idempotent: true, minPosition: this.atLeast(seen) });
  }

  restore(request: RestoreBookRequest, requestId: string, caller?: Caller): Promise<Positioned<Book>> {
    return this.write(BooksSubjects.restore, request, { requestId, caller, idempotent: false }).finally(() => this.cache.invalidate(request.id));
  }

  /** A batch of import records. Safe to repeat (each record's id is decided), so retried like a read. */
  async import(request: ImportBooksRequest, requestId: string, caller?: Caller): Promise<ImportBooksResponse & { position?: number }> {
    const { value, position } = await this.write(BooksSubjects.import, request, { requestId, caller, idempotent: true, timeoutMs: IMPORT_BATCH_TIMEOUT_MS });
    this.cache.invalidateLists();
    return { ...value, position };
  }

  /** The catalogue a page at a time, oldest first: an export. */
  exportPage(cursor: string | undefined, requestId: string, seen?: number): Promise<BookPage> {
    return this.send(BooksSubjects.export, cursor ? { cursor } : {}, { requestId, idempotent: true, minPosition: this.atLeast(seen) });
  }

  /**
   * The position a read must include: what the caller says it has seen, every write this
   * gateway has answered (a client that writes and reads through the same gateway reads its
   * writes without sending anything back), and every event this gateway has relayed (a browser
   * that got an event over SSE never reads an older state after it).
   */
  private atLeast(seen: number | undefined): number | undefined {
    const position = Math.max(seen ?? 0, this.written, this.cache.latestSeen);
    return position > 0 ? position : undefined;
  }

  private async write<S extends keyof BooksRpc>(subject: S, payload: BooksRpc[S]['request'], options: SendOptions): Promise<Positioned<BooksRpc[S]['response']>> {
    let position: number | undefined;
    const value = await this.send(subject, payload, {
      ...options,
      onReplyHeaders: (headers) => {
        const at = Number(headers.get(POSITION_HEADER) || undefined);
        if (Number.isSafeInteger(at) && at > 0) position = at;
      },
    });
    if (position) this.written = Math.max(this.written, position);
    return { value, position };
  }

  private send<S extends keyof BooksRpc>(
    subject: S,
    payload: BooksRpc[S]['request'],
    { requestId, idempotent, minPosition, timeoutMs = this.config.NATS_REQUEST_TIMEOUT_MS, caller, onReplyHeaders }: SendOptions,
  ): Promise<BooksRpc[S]['response']> {
    const extra = { ...(minPosition ? { [MIN_POSITION_HEADER]: String(minPosition) } : {}), ...actorHeaders(caller) };
    const headers = Object.keys(extra).length > 0 ? extra : undefined;
    const reply: Promise<BooksRpc[S]['response']> = this.rpc.request(subject, payload, { timeoutMs, requestId, idempotent, headers, onReplyHeaders });
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
