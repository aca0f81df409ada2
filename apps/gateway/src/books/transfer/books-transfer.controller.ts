import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BadRequestException, Controller, Get, Headers, HttpCode, PayloadTooLargeException, Post, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import { stringify } from 'csv-stringify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CSV_COLUMNS, EXPORT_FORMATS, type ExportFormat, FORMAT_CONTENT_TYPES, IMPORT_CONTENT_TYPES, type ImportReport, type Book } from '@books/contracts';
import { Reads, Requires } from '../../auth/access.decorators';
import { GatewayConfig } from '../../config/gateway.config';
import { RequestValidationException } from '../../errors/request-validation.exception';
import { ApiProblemResponses } from '../../openapi/api-problem-responses.decorator';
import { BooksClient } from '../books.client';
import { minPositionOf, rememberPosition } from '../read-your-writes';
import { BooksImporter } from './books-importer';
import { UnreadableFileError } from './import-records';

/**
 * Bulk transfer: `POST /api/books/import` takes a file (NDJSON, CSV or a JSON array) and
 * answers with a report of every record; `GET /api/books/export` streams the catalogue.
 */
@ApiTags('books')
@Controller('books')
export class BooksTransferController {
  constructor(
    private readonly importer: BooksImporter,
    private readonly books: BooksClient,
    private readonly config: GatewayConfig,
  ) {}

  @Post('import')
  @Requires('admin')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Import books from a file',
    description:
      'Each record is validated and imported whole or not at all: a new book is created, one that differs is replaced, an equal one is left alone (no event). ' +
      'A record without an `id` gets one from its title, author and year, so sending the same file twice changes nothing.',
  })
  @ApiConsumes(...Object.keys(IMPORT_CONTENT_TYPES))
  @ApiBody({ description: 'NDJSON (one book per line), CSV with a header row, or a JSON array of books' })
  @ApiOkResponse({ description: 'The import report: counts and every rejected record (line, field, reason)' })
  @ApiProblemResponses(400, 413, 415)
  async import(
    @Headers('content-type') contentType: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ImportReport> {
    const format = IMPORT_CONTENT_TYPES[(contentType ?? '').split(';')[0].trim().toLowerCase() as keyof typeof IMPORT_CONTENT_TYPES];
    // The parsers registered in http-server.ts hand this route the body as a stream.
    const body = request.body as Readable;
    // The upload is kept on disk and read from there: taking it in at the speed it arrives
    // keeps the request within the gateway's request deadline, while the records are read
    // only as fast as the catalogue takes them. Memory stays flat whatever the file's size.
    const folder = await mkdtemp(join(tmpdir(), 'books-import-'));
    try {
      const file = join(folder, 'upload');
      await pipeline(body, limitBytes(this.config.IMPORT_MAX_BYTES), createWriteStream(file));
      const { report, position } = await this.importer.run(createReadStream(file), format, request.id, request.caller);
      rememberPosition(reply, position, this.config.PUBLIC_HTTPS);
      return report;
    } catch (error) {
      if (error instanceof UnreadableFileError) throw new BadRequestException(error.message);
      throw error;
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }

  @Get('export')
  @Reads()
  @ApiOperation({ summary: 'Export the whole catalogue, oldest book first' })
  @ApiQuery({ name: 'format', enum: EXPORT_FORMATS, required: false, description: 'ndjson (the default), csv or json' })
  @ApiProduces(...Object.values(FORMAT_CONTENT_TYPES))
  @ApiOkResponse({ description: 'Every book, streamed' })
  @ApiProblemResponses(400)
  export(@Query('format') format: string | undefined, @Req() request: FastifyRequest): StreamableFile {
    const chosen = (format ?? 'ndjson') as ExportFormat;
    if (!EXPORT_FORMATS.includes(chosen)) {
      throw new RequestValidationException([{ field: 'format', message: `Format must be one of ${EXPORT_FORMATS.join(', ')}` }]);
    }
    const books = this.allBooks(request.id, minPositionOf(request));
    const stamp = new Date().toISOString().slice(0, 10);
    return new StreamableFile(encode(books, chosen), {
      type: `${FORMAT_CONTENT_TYPES[chosen]}; charset=utf-8`,
      disposition: `attachment; filename="books-${stamp}.${chosen}"`,
    });
  }

  /** Every book, a page at a time from the books-service, following its cursors. */
  private async *allBooks(requestId: string, minPosition?: number): AsyncIterable<Book> {
    let cursor: string | undefined;
    do {
      const page = await this.books.exportPage(cursor, requestId, minPosition);
      yield* page.items;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
}

function encode(books: AsyncIterable<Book>, format: ExportFormat): Readable {
  switch (format) {
    case 'ndjson':
      return Readable.from((async function* () {
        for await (const book of books) yield `${JSON.stringify(book)}\n`;
      })());
    case 'json':
      return Readable.from((async function* () {
        let first = true;
        yield '[';
        for await (const book of books) {
          yield `${first ? '\n' : ',\n'}${JSON.stringify(book)}`;
          first = false;
        }
        yield '\n]\n';
      })());
    case 'csv':
      return Readable.from(books).pipe(stringify({ header: true, columns: [...CSV_COLUMNS], cast: { boolean: (value) => String(value) } }));
  }
}

/** Passes bytes through until `max`, then fails with 413. */
function limitBytes(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > max) done(new PayloadTooLargeException(`An import may be at most ${max} bytes (IMPORT_MAX_BYTES)`));
      else done(null, chunk);
    },
  });
}
