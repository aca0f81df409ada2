import { type BeforeApplicationShutdown, Controller, Get, Headers, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { REQUEST_ID_HEADER } from '@books/contracts';
import { Reads } from '../auth/access.decorators';
import { GatewayConfig } from '../config/gateway.config';
import { BookEventsFeed, type SequencedEvent } from './book-events.feed';

/** Past this much unsent output a client is too slow; it reconnects and catches up. */
const MAX_BUFFERED_BYTES = 1 << 20;

/** Relays book events to browsers as Server-Sent Events. */
@ApiTags('books')
@Controller('books')
export class BookEventsController implements BeforeApplicationShutdown {
  private readonly open = new Set<ServerResponse>();
  private closing = false;

  constructor(
    private readonly feed: BookEventsFeed,
    private readonly config: GatewayConfig,
  ) {}

  @Get('events')
  @Reads()
  @ApiOperation({
    summary: 'Follow book changes (Server-Sent Events)',
    description:
      'Each message has the stream sequence as `id`, the event type (`book.created`, `book.updated`, `book.deleted`) as ' +
      '`event`, and a BookEvent as JSON `data`. Reconnecting with `Last-Event-ID` delivers every event missed, once.',
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this sequence (browsers send it on reconnect).' })
  @ApiOkResponse({ description: 'An endless text/event-stream', content: { 'text/event-stream': {} } })
  follow(@Headers('last-event-id') lastEventId: string | undefined, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const after = /^\d{1,15}$/.test(lastEventId ?? '') ? Number(lastEventId) : undefined;
    reply.hijack();
    const response = reply.raw;
    // A hijacked reply skips Fastify's sending, so the headers its hooks set (helmet, CORS,
    // the request id) must be written here, or the stream goes out without them.
    response.writeHead(200, {
      ...definedHeaders(reply.getHeaders()),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Nginx must pass events through as they come, not buffer them.
      'x-accel-buffering': 'no',
      [REQUEST_ID_HEADER]: request.id,
    });
    response.write(`retry: 2000\n\n`);
    // Stopping: the browser comes back with its Last-Event-ID, through Nginx to the other gateway.
    if (this.closing) {
      response.end();
      return;
    }
    this.open.add(response);

    const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), this.config.SSE_HEARTBEAT_MS);
    const subscription = this.feed.events(after).subscribe({
      next: (item) => {
        response.write(frame(item));
        if (response.writableLength > MAX_BUFFERED_BYTES) response.destroy();
      },
      error: () => response.end(),
      complete: () => response.end(),
    });
    response.on('close', () => {
      clearInterval(heartbeat);
      subscription.unsubscribe();
      this.open.delete(response);
    });
  }

  /** Streams never end by themselves; end them so the server can close (clients reconnect elsewhere). */
  beforeApplicationShutdown(): void {
    this.closing = true;
    for (const response of this.open) response.end();
  }
}

function definedHeaders(headers: Record<string, string | number | string[] | undefined>): OutgoingHttpHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== undefined)) as OutgoingHttpHeaders;
}

/**
 * Each event's SSE message, serialised and encoded once: every connected client is sent the
 * same bytes (a hundred clients cost one JSON.stringify, not a hundred). Live events are one
 * object shared by all clients, so the cache holds each for as long as anything refers to it.
 */
const frames = new WeakMap<SequencedEvent, Buffer>();

function frame(item: SequencedEvent): Buffer {
  let encoded = frames.get(item);
  if (!encoded) {
    encoded = Buffer.from(`id: ${item.seq}\nevent: ${item.event.type}\ndata: ${JSON.stringify(item.event)}\n\n`);
    frames.set(item, encoded);
  }
  return encoded;
}
