import { ReadableStream, type ReadableStreamDefaultController } from 'node:stream/web';
import { DEFAULT_RETRY_MS, FetchEventSource, type FetchEventSourceOptions, sseParser } from './fetch-event-source';

type Parsed = [type: string | undefined, data: string, id: string];

function parse(...chunks: string[]): { events: Parsed[]; retries: number[] } {
  const events: Parsed[] = [];
  const retries: number[] = [];
  const feed = sseParser(
    (type, data, id) => events.push([type, data, id]),
    (ms) => retries.push(ms),
  );
  chunks.forEach(feed);
  return { events, retries };
}

describe('sseParser', () => {
  it('reads typed events with their data and id', () => {
    expect(parse('event: book.created\ndata: {"a":1}\nid: 7\n\n').events).toEqual([['book.created', '{"a":1}', '7']]);
  });

  it('joins data lines with LF, and calls an untyped event "message"', () => {
    expect(parse('data: one\ndata:two\ndata\n\n').events).toEqual([['message', 'one\ntwo\n', '']]);
  });

  it('takes CRLF, LF and CR line ends, even split between chunks', () => {
    const { events } = parse('event: a\r', '\ndata: 1\r', '\r', 'event: b\rdata: 2\n', '\n');
    expect(events).toEqual([
      ['a', '1', ''],
      ['b', '2', ''],
    ]);
  });

  it('waits for the blank line, however the text is cut', () => {
    const text = 'event: book.updated\ndata: {"title":"Dune"}\nid: 42\n\n';
    expect(parse(...text.split('')).events).toEqual([['book.updated', '{"title":"Dune"}', '42']]);
    expect(parse(text.slice(0, -1)).events).toEqual([]);
  });

  it('skips comments and unknown fields, and removes one space after the colon only', () => {
    expect(parse(': keep-alive\nfoo: bar\ndata:  two spaces\n\n').events).toEqual([['message', ' two spaces', '']]);
  });

  it('keeps the last id for later events, and lets an event without data set it alone', () => {
    expect(parse('id: 1\ndata: a\n\ndata: b\n\nid: 2\n\nid\ndata: c\n\n').events).toEqual([
      ['message', 'a', '1'],
      ['message', 'b', '1'],
      [undefined, '', '2'],
      ['message', 'c', ''],
    ]);
  });

  it('ignores an id with a NUL, and a retry that is not digits only', () => {
    const { events, retries } = parse('id: 5\n\nid: a\0b\nretry: 2500\nretry: 1s\ndata: x\n\n');
    expect(events.at(-1)).toEqual(['message', 'x', '5']);
    expect(retries).toEqual([2500]);
  });
});

/** One answer of the fake fetch: a status, and for 200 a stream the test writes into. */
class Stream {
  private controller!: ReadableStreamDefaultController<Uint8Array>;
  readonly body = new ReadableStream<Uint8Array>({ start: (controller) => void (this.controller = controller) });

  send(text: string): void {
    this.controller.enqueue(new TextEncoder().encode(text));
  }

  end(): void {
    this.controller.close();
  }

  drop(): void {
    this.controller.error(new TypeError('network error'));
  }
}

describe('FetchEventSource', () => {
  let answers: (Stream | number)[];
  let requests: { url: string; headers: Record<string, string> }[];
  let options: FetchEventSourceOptions & { renew: jest.Mock; token: string | undefined };
  let log: string[];
  const sources: FetchEventSource[] = [];

  const fakeFetch = jest.fn(async (url: string, init: RequestInit) => {
    requests.push({ url, headers: init.headers as Record<string, string> });
    const answer = answers.shift();
    if (answer === undefined) return new Promise<Response>(() => undefined);
    if (typeof answer === 'number') return { status: answer, ok: answer < 300, body: null, headers: { get: () => 'application/problem+json' } } as unknown as Response;
    init.signal?.addEventListener('abort', () => answer.drop());
    return { status: 200, ok: true, body: answer.body, headers: { get: () => 'text/event-stream; charset=utf-8' } } as unknown as Response;
  });

  function open(): FetchEventSource {
    const source = new FetchEventSource('/api/books/events', options);
    sources.push(source);
    for (const type of ['open', 'error', 'book.updated']) {
      source.addEventListener(type, (event) => log.push(`${type}${event.data ? ` ${event.data} #${event.lastEventId}` : ''} (${source.readyState})`));
    }
    return source;
  }

  /** Lets the promises (fetch, the stream's reads) run. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

  beforeEach(() => {
    answers = [];
    requests = [];
    log = [];
    options = {
      token: 'token-1',
      accessToken: async () => options.token,
      renew: jest.fn(async () => {
        options.token = 'token-2';
        return true;
      }),
      fetch: fakeFetch as unknown as typeof fetch,
    };
  });

  afterEach(() => {
    sources.splice(0).forEach((source) => source.close());
    jest.useRealTimers();
  });

  it('asks for the stream with the access token, opens and delivers typed events', async () => {
    const stream = new Stream();
    answers.push(stream);
    open();
    await settle();

    stream.send('event: book.updated\ndata: {"id":"b1"}\nid: 3\n\n');
    await settle();

    expect(requests).toEqual([{ url: '/api/books/events', headers: { Accept: 'text/event-stream', Authorization: 'Bearer token-1' } }]);
    expect(log).toEqual(['open (1)', 'book.updated {"id":"b1"} #3 (1)']);
  });

  it('reconnects by itself after a dropped stream, after `retry`, with Last-Event-ID', async () => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask'] });
    const first = new Stream();
    const second = new Stream();
    answers.push(first, second);
    const source = open();
    await jest.advanceTimersByTimeAsync(0);
    first.send('retry: 500\nevent: book.updated\ndata: x\nid: 41\n\n');
    await jest.advanceTimersByTimeAsync(0);

    first.end();
    await jest.advanceTimersByTimeAsync(0);
    expect(log.at(-1)).toBe('error (0)');
    expect(requests).toHaveLength(1);

    await jest.advanceTimersByTimeAsync(500);
    second.send('event: book.updated\ndata: y\nid: 42\n\n');
    await jest.advanceTimersByTimeAsync(0);

    expect(requests[1].headers).toEqual({ Accept: 'text/event-stream', Authorization: 'Bearer token-1', 'Last-Event-ID': '41' });
    expect(log).toEqual(['open (1)', 'book.updated x #41 (1)', 'error (0)', 'open (1)', 'book.updated y #42 (1)']);
    expect(source.lastEventId).toBe('42');
  });

  it('waits the default 3 s before reconnecting when the server named no retry', async () => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask'] });
    const first = new Stream();
    answers.push(first, new Stream());
    open();
    await jest.advanceTimersByTimeAsync(0);
    first.drop();
    await jest.advanceTimersByTimeAsync(DEFAULT_RETRY_MS - 1);
    expect(requests).toHaveLength(1);

    await jest.advanceTimersByTimeAsync(1);
    expect(requests).toHaveLength(2);
  });

  it('renews the token once on a 401, then connects again with the new one', async () => {
    answers.push(401, new Stream());
    open();
    await settle();

    expect(options.renew).toHaveBeenCalledTimes(1);
    expect(requests.map((request) => request.headers['Authorization'])).toEqual(['Bearer token-1', 'Bearer token-2']);
    expect(log).toEqual(['open (1)']);
  });

  it('gives up (CLOSED) on a second 401 or a failed renewal, as EventSource does on an answer that is no stream', async () => {
    answers.push(401, 401);
    open();
    await settle();
    expect(options.renew).toHaveBeenCalledTimes(1);
    expect(log).toEqual(['error (2)']);

    log = [];
    options.renew.mockResolvedValueOnce(false);
    answers.push(401);
    open();
    await settle();
    expect(log).toEqual(['error (2)']);
  });

  it('gives up (CLOSED) on an answer that is not an event stream, e.g. a proxy’s 502', async () => {
    answers.push(502);
    open();
    await settle();

    expect(log).toEqual(['error (2)']);
  });

  it('asks nothing without a token: nobody is signed in', async () => {
    options.token = undefined;
    open();
    await settle();

    expect(requests).toEqual([]);
    expect(log).toEqual(['error (2)']);
  });

  it('stops reading and does not reconnect once closed', async () => {
    jest.useFakeTimers({ doNotFake: ['queueMicrotask'] });
    const stream = new Stream();
    answers.push(stream);
    const source = open();
    await jest.advanceTimersByTimeAsync(0);

    source.close();
    await jest.advanceTimersByTimeAsync(60_000);

    expect(source.readyState).toBe(source.CLOSED);
    expect(requests).toHaveLength(1);
    expect(log).toEqual(['open (1)']);
  });
});
