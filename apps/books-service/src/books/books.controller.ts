import { Controller, UseFilters } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import type { z } from 'zod';
import {
  BooksSubjects,
  CreateBookRequestSchema,
  DeleteBookRequestSchema,
  GetBookRequestSchema,
  ListBooksRequestSchema,
  UpdateBookRequestSchema,
  type Book,
  type BookPage,
} from '@books/contracts';
import { NatsRpcContext } from '@books/nats-rpc';
import { RpcErrorFilter } from '../errors/rpc-error.filter';
import { ZodPayloadPipe } from '../errors/zod-payload.pipe';
import { BooksService } from './books.service';

/** Where NATS requests arrive: one handler per subject, the payload validated, one service call. */
@Controller()
@UseFilters(RpcErrorFilter)
export class BooksController {
  constructor(private readonly books: BooksService) {}

  @MessagePattern(BooksSubjects.list)
  list(@Payload(new ZodPayloadPipe(ListBooksRequestSchema)) request: z.output<typeof ListBooksRequestSchema>): Promise<BookPage> {
    return this.books.list(request);
  }

  @MessagePattern(BooksSubjects.get)
  get(@Payload(new ZodPayloadPipe(GetBookRequestSchema)) { id }: z.output<typeof GetBookRequestSchema>): Promise<Book> {
    return this.books.get(id);
  }

  @MessagePattern(BooksSubjects.create)
  create(
    @Payload(new ZodPayloadPipe(CreateBookRequestSchema)) request: z.output<typeof CreateBookRequestSchema>,
    @Ctx() context: NatsRpcContext,
  ): Promise<Book> {
    return this.books.create(request, { requestId: context.getRequestId() });
  }

  @MessagePattern(BooksSubjects.update)
  update(
    @Payload(new ZodPayloadPipe(UpdateBookRequestSchema)) { id, changes, expectedVersion }: z.output<typeof UpdateBookRequestSchema>,
    @Ctx() context: NatsRpcContext,
  ): Promise<Book> {
    return this.books.update(id, changes, expectedVersion, { requestId: context.getRequestId() });
  }

  @MessagePattern(BooksSubjects.delete)
  delete(
    @Payload(new ZodPayloadPipe(DeleteBookRequestSchema)) { id, expectedVersion }: z.output<typeof DeleteBookRequestSchema>,
    @Ctx() context: NatsRpcContext,
  ): Promise<{ id: string; version: number }> {
    return this.books.delete(id, expectedVersion, { requestId: context.getRequestId() });
  }
}
