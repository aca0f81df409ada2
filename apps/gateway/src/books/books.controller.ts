import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiNotModifiedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Book, BookHistoryPage, BookPage } from '@books/contracts';
import { Reads, Requires } from '../auth/access.decorators';
import { historyFor, scopedIdempotencyKey } from '../auth/actor';
import { ApiProblemResponses } from '../openapi/api-problem-responses.decorator';
import { GatewayConfig } from '../config/gateway.config';
import { BookIdPipe } from './book-id.pipe';
import { BooksClient } from './books.client';
import { etagOf, expectedVersionFrom, idempotencyKeyFrom, matchesIfNoneMatch } from './conditional-requests';
import { BookDto, BookHistoryQueryDto, BookInputDto, BookPageDto, BookPatchDto, ListBooksQueryDto } from './dto/book.dto';
import { MIN_POSITION_REQUEST_HEADER, minPositionOf, rememberPosition } from './read-your-writes';

const IF_MATCH = { name: 'If-Match', required: false, description: 'The ETag from GET; the change applies only to that version (else 412).' };
const MIN_POSITION = {
  name: MIN_POSITION_REQUEST_HEADER,
  required: false,
  description: 'The Books-Position of your last write: the answer includes it (read-your-writes). Browsers send it as a cookie.',
};

/** Where a REST call enters: HTTP in, validated, one books-service request out. */
@ApiTags('books')
@Controller('books')
export class BooksController {
  constructor(
    private readonly books: BooksClient,
    private readonly config: GatewayConfig,
  ) {}

  @Get()
  @Reads()
  @ApiOperation({ summary: 'List books, a page at a time, by offset or by cursor (the `next` link)' })
  @ApiHeader(MIN_POSITION)
  @ApiOkResponse({ type: BookPageDto, headers: { Link: { description: 'rel="next": the next page by cursor, on every page but the last' } } })
  @ApiProblemResponses(400)
  async list(@Query() query: ListBooksQueryDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<BookPage> {
    const page = await this.books.list(query, request.id, minPositionOf(request));
    if (page.nextCursor) reply.header('link', `<${nextPageUrl(request.url, page.nextCursor)}>; rel="next"`);
    return page;
  }

  @Get(':id')
  @Reads()
  @ApiOperation({ summary: 'Get one book' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader({ name: 'If-None-Match', required: false })
  @ApiHeader(MIN_POSITION)
  @ApiOkResponse({ type: BookDto, headers: { ETag: { description: 'The book version, quoted' } } })
  @ApiNotModifiedResponse({ description: 'If-None-Match named the current version' })
  @ApiProblemResponses(404)
  async get(
    @Param('id', BookIdPipe) id: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Book | undefined> {
    const book = await this.books.get(id, request.id, minPositionOf(request));
    const etag = etagOf(book);
    reply.header('etag', etag).header('cache-control', 'no-cache');
    if (matchesIfNoneMatch(ifNoneMatch, etag)) {
      reply.status(304);
      return undefined;
    }
    return book;
  }

  @Get(':id/history')
  @Reads()
  @ApiOperation({ summary: "A book's versions, newest first, each with what it changed field by field (deleted books too)" })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(MIN_POSITION)
  @ApiOkResponse({
    description:
      '{ items: [{ version, type, occurredAt, book, changes: [{ field, from, to }], actor? }], next }: pass `next` as `before` for older versions. ' +
      '`actor` ({ name, kind }, plus `subject` for admins) is absent for changes made without sign-in.',
  })
  @ApiProblemResponses(400, 404)
  async history(@Param('id', BookIdPipe) id: string, @Query() query: BookHistoryQueryDto, @Req() request: FastifyRequest): Promise<BookHistoryPage> {
    const { before, limit } = query as { before?: number; limit?: number };
    return historyFor(await this.books.history({ id, before, limit }, request.id, minPositionOf(request)), request.caller);
  }

  @Post(':id/restore')
  @Requires('editor')
  @HttpCode(200)
  @ApiOperation({ summary: 'Bring a deleted book back: same id, the version after its delete, as it was before it' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader({ name: 'If-Match', required: false, description: 'The version of the delete, quoted; 412 if the book was deleted at another version.' })
  @ApiOkResponse({ type: BookDto })
  @ApiProblemResponses(400, 404, 409, 412)
  async restore(
    @Param('id', BookIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Book> {
    const { value: book, position } = await this.books.restore({ id, expectedVersion: expectedVersionFrom(ifMatch) }, request.id, request.caller);
    reply.header('etag', etagOf(book));
    rememberPosition(reply, position, this.config.PUBLIC_HTTPS);
    return book;
  }

  @Post()
  @Requires('editor')
  @HttpCode(201)
  @ApiOperation({ summary: 'Add a book' })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Makes retries safe: the same key and body return the same book and create nothing new. Keys are per signed-in caller.',
  })
  @ApiCreatedResponse({ type: BookDto, headers: { Location: { description: 'URL of the new book' }, ETag: { description: 'Its version' } } })
  @ApiProblemResponses(400, 409, 413, 415)
  async create(
    @Body() book: BookInputDto,
    @Headers('idempotency-key') idempotencyKeyHeader: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Book> {
    const idempotencyKey = scopedIdempotencyKey(idempotencyKeyFrom(idempotencyKeyHeader), request.caller);
    const { value: created, position } = await this.books.create({ book, idempotencyKey }, request.id, request.caller);
    reply.header('location', `/api/books/${created.id}`).header('etag', etagOf(created));
    rememberPosition(reply, position, this.config.PUBLIC_HTTPS);
    return created;
  }

  @Put(':id')
  @Requires('editor')
  @ApiOperation({ summary: 'Replace the editable fields of a book' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: BookDto })
  @ApiProblemResponses(400, 404, 409, 412, 413, 415)
  replace(
    @Param('id', BookIdPipe) id: string,
    @Body() book: BookInputDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Book> {
    return this.update(id, book, ifMatch, request, reply);
  }

  @Patch(':id')
  @Requires('editor')
  @ApiOperation({ summary: 'Change some fields of a book' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: BookDto })
  @ApiProblemResponses(400, 404, 409, 412, 413, 415)
  patch(
    @Param('id', BookIdPipe) id: string,
    @Body() changes: BookPatchDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Book> {
    return this.update(id, changes, ifMatch, request, reply);
  }

  @Delete(':id')
  @Requires('editor')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a book' })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiHeader(IF_MATCH)
  @ApiNoContentResponse()
  @ApiProblemResponses(400, 404, 412)
  async remove(
    @Param('id', BookIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const expectedVersion = expectedVersionFrom(ifMatch);
    const { position } = await this.books.delete({ id, expectedVersion }, request.id, request.caller);
    rememberPosition(reply, position, this.config.PUBLIC_HTTPS);
  }

  private async update(
    id: string,
    changes: BookPatchDto,
    ifMatch: string | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<Book> {
    const expectedVersion = expectedVersionFrom(ifMatch);
    const { value: book, position } = await this.books.update({ id, changes, expectedVersion }, request.id, request.caller);
    reply.header('etag', etagOf(book));
    rememberPosition(reply, position, this.config.PUBLIC_HTTPS);
    return book;
  }
}

/** The same list request, continued at `cursor` (an offset gives way to the cursor). */
function nextPageUrl(url: string, cursor: string): string {
  const next = new URL(url, 'http://gateway');
  next.searchParams.delete('offset');
  next.searchParams.set('cursor', cursor);
  return `${next.pathname}${next.search}`;
}
