import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import * as z from 'zod';
import {
  BookHistoryRequestSchema,
  BooksSubjects,
  CreateBookRequestSchema,
  DeleteBookRequestSchema,
  GetBookRequestSchema,
  ImportBooksRequestSchema,
  ListBooksRequestSchema,
  RestoreBookRequestSchema,
  MIN_POSITION_HEADER,
  POSITION_HEADER,
  UpdateBookRequestSchema,
  type Book,
  type BookHistoryPage,
  type BookPage,
  type ImportBooksResponse,
} from '@books/contracts';
import { NatsRpcContext } from '@books/nats-rpc';
import { activeTraceparent } from '@books/server-kit';
import { RpcErrorFilter } from '../errors/rpc-error.filter';
import { ZodPayloadPipe } from '../errors/zod-payload.pipe';
import { actorFrom } from './actor-headers';
import { BooksService, type ReadContext, type WriteContext } from './books.service';

const ExportPageRequestSchema = z.strictObject({ cursor: ListBooksRequestSchema.shape.cursor });

/**
 * Where NATS requests arrive: one handler per subject, the payload validated, one service call.
 * Every write's reply carries the stream position that includes it; a read that names one
 * waits for it (read-your-writes, see CatalogueReadModel).
 */
@Controller()
@UseFilters(RpcErrorFilter)
export class BooksController {
  constructor(private readonly books: BooksService) {}

  @MessagePattern(BooksSubjects.list)
  list(@Payload(new ZodPayloadPipe(ListBooksRequestSchema)) request: z.output<typeof ListBooksRequestSchema>, @Ctx() context: NatsRpcContext): Promise<BookPage> {
    return this.books.list(request, readContext(context));
  }

  @MessagePattern(BooksSubjects.get)
  get(@Payload(new ZodPayloadPipe(GetBookRequestSchema)) { id }: z.output<typeof GetBookRequestSchema>, @Ctx() context: NatsRpcContext): Promise<Book> {
    return this.books.get(id, readContext(context));
  }

  @MessagePattern(BooksSubjects.history)
  history(
    @Payload(new ZodPayloadPipe(BookHistoryRequestSchema)) { id, before, limit }: z.output<typeof BookHistoryRequestSchema>,
    @Ctx() context: NatsRpcContext,
  ): Promise<BookHistoryPage> {
    return this.books.history(id, before, limit, readContext(context));
  }

  @MessagePattern(BooksSubjects.restore)
  async restore(
    @Payload(new ZodPayloadPipe(RestoreBookRequestSchema)) { id, expectedVersion }: z.output<typeof RestoreBookRequestSchema>,
    @Ctx() context: NatsRpcContext,
  ): Promise<Book> {
    return this.positioned(context, await this.books.restore(id, expectedVersion, writeContext(context)));
  }

  @MessagePattern(BooksSubjects.export)
  exportPage(@Payload(new ZodPayloadPipe(ExportPageRequestSchema)) { cursor }: z.output<typeof ExportPageRequestSchema>, @Ctx() context: NatsRpcContext): Promise<BookPage> {
    return this.books.exportPage(cursor, readContext(context));
  }

  @MessagePattern(BooksSubjects.import)
  async import(
    @Payload(new ZodPayloadPipe(ImportBooksRequestSchema)) request: z.output<typeof ImportBooksRequestSchema>,
    @Ctx() context: NatsRpcContext,
  ): Promise<ImportBooksResponse> {
    return this.positioned(context, await this.books.import(request, writeContext(context)));
  }

  @MessagePattern(BooksSubjects.create)
  async create(
    @Payload(new ZodPayloadPipe(CreateBookRequestSchema)) request: z.output<typeof CreateBookRequestSchema>,
    @Ctx() context: NatsRpcContext,
  ): Promise<Book> {
    return this.positioned(context, await this.books.create(request, writeContext(context)));
  }

  @MessagePattern(BooksSubjects.update)
  async update(
    @Payload(new ZodPayloadPipe(UpdateBookRequestSchema)) { id, changes, expectedVersion }: z.output<typeof UpdateBookRequestSchema>,
    @Ctx() context: NatsRpcContext,
  ): Promise<Book> {
    return this.positioned(context, await this.books.update(id, changes, expectedVersion, writeContext(context)));
  }

  @MessagePattern(BooksSubjects.delete)
  async delete(
    @Payload(new ZodPayloadPipe(DeleteBookRequestSchema)) { id, expectedVersion }: z.output<typeof DeleteBookRequestSchema>,
    @Ctx() context: NatsRpcContext,
  ): Promise<{ id: string; version: number }> {
    return this.positioned(context, await this.books.delete(id, expectedVersion, writeContext(context)));
  }

  /** Adds the stream position of this replica's answers to a write's reply. */
  private positioned<T>(context: NatsRpcContext, reply: T): T {
    context.setReplyHeader(POSITION_HEADER, String(this.books.position));
    return reply;
  }
}

/** A write's request id, actor (from the headers only: a payload never names who sends it) and trace. */
function writeContext(context: NatsRpcContext): WriteContext {
  const actor = actorFrom(context.getHeaders());
  const traceparent = activeTraceparent();
  return { requestId: context.getRequestId(), ...(actor ? { actor } : {}), ...(traceparent ? { traceparent } : {}) };
}

function readContext(context: NatsRpcContext): ReadContext {
  const position = Number(context.getHeaders()?.get(MIN_POSITION_HEADER) || undefined);
  return Number.isSafeInteger(position) && position > 0 ? { minPosition: position } : {};
}
