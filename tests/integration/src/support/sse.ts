/** One Server-Sent Event as a test sees it. */
export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
}

/**
 * A minimal SSE client over fetch, for tests: it exposes the stream's messages one by
 * one and can be closed, which EventSource (a browser API) cannot do in Node.
 */
export class SseClient {
  private readonly messages: SseMessage[] = [];
  private readonly waiters: Array<() => void> = [];
  private readonly controller = new AbortController();
  readonly opened: Promise<Response>;
  /** Settles when the stream is over: ended by the server, broken, refused or closed. */
  readonly ended: Promise<void>;

  constructor(url: string, headers: Record<string, string> = {}) {
    this.opened = fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: this.controller.signal });
    this.ended = this.opened.then((response) => this.read(response));
    this.ended.catch(() => undefined);
  }

  /** Resolves with the next `count` messages, in order. */
  async take(count: number, timeoutMs = 10_000): Promise<SseMessage[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Timed out waiting for ${count} SSE messages; got ${this.messages.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.messages.splice(0, count);
  }

  /** Takes every message received so far, without waiting. */
  drain(): SseMessage[] {
    return this.messages.splice(0);
  }

  /** Messages received but not taken yet. */
  get pending(): number {
    return this.messages.length;
  }

  close(): void {
    this.controller.abort();
  }

  private async read(response: Response): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const message = parse(block);
        if (message) {
          this.messages.push(message);
          this.waiters.splice(0).forEach((wake) => wake());
        }
      }
    }
  }
}

function parse(block: string): SseMessage | undefined {
  const message: SseMessage = { data: '' };
  let hasData = false;
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') message.id = value;
    else if (field === 'event') message.event = value;
    else if (field === 'data') {
      message.data += (hasData ? '\n' : '') + value;
      hasData = true;
    }
  }
  return hasData ? message : undefined;
}

/**
 * Follows an event stream as a browser's EventSource does: when the stream ends or breaks
 * (its gateway went away), it connects again after `retryMs` with the Last-Event-ID it last
 * saw, until closed. It keeps every message it ever received, in order.
 */
export class ResumingSseClient {
  /** Resolves once the first stream has answered. */
  readonly opened: Promise<Response>;
  /** Times it connected again after losing its stream. */
  reconnects = 0;
  private readonly earlier: SseMessage[] = [];
  private current: SseClient;
  private closed = false;
  private readonly running: Promise<void>;

  constructor(
    private readonly url: string,
    private readonly retryMs = 250,
  ) {
    this.current = new SseClient(url);
    this.opened = this.current.opened;
    this.running = this.run();
  }

  /** Every message received so far, across reconnects. */
  get received(): SseMessage[] {
    this.earlier.push(...this.current.drain());
    return this.earlier;
  }

  close(): Promise<void> {
    this.closed = true;
    this.current.close();
    return this.running;
  }

  private async run(): Promise<void> {
    for (;;) {
      await this.current.ended.catch(() => undefined);
      if (this.closed) return;
      await new Promise((resolve) => setTimeout(resolve, this.retryMs));
      if (this.closed) return;
      const lastEventId = this.received.at(-1)?.id;
      this.current = new SseClient(this.url, lastEventId ? { 'last-event-id': lastEventId } : {});
      this.reconnects++;
    }
  }
}
