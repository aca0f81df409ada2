/**
 * The event stream over fetch, for when it needs an access token (the gateway's
 * READS_REQUIRE_SIGN_IN): the browser's EventSource cannot send an Authorization header.
 *
 * It offers the part of EventSource that `BookEvents` uses (`addEventListener` for 'open',
 * 'error' and the event types, `readyState`, `close()`) and behaves the same way: a dropped
 * connection is retried by itself after `retry` ms with Last-Event-ID (readyState CONNECTING
 * during the 'error'); an answer that is not an event stream ends it (CLOSED), and BookEvents
 * opens a new one. A 401 renews the token once, then connects again; without a token, nothing
 * is asked.
 *
 * No Angular and no other imports: it travels in the OIDC chunk, loaded only with sign-in on
 * (see `signed-in-event-source.ts`), so it costs the initial bundle nothing.
 */
export interface FetchEventSourceOptions {
  /** The current access token, or undefined when nobody is signed in. */
  accessToken(): Promise<string | undefined>;
  /** A new access token after a 401; false when the session cannot be renewed. */
  renew(): Promise<boolean>;
  fetch?: typeof fetch;
}

/** EventSource's default reconnection time, until the server sends `retry:`. */
export const DEFAULT_RETRY_MS = 3000;

export class FetchEventSource {
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSED = 2;
  readyState = this.CONNECTING;
  /** The id of the last event received; sent back as Last-Event-ID when reconnecting. */
  lastEventId = '';
  retryMs = DEFAULT_RETRY_MS;
  private readonly target = new EventTarget();
  private abort?: AbortController;
  private timer?: ReturnType<typeof setTimeout>;
  private renewed = false;

  constructor(
    readonly url: string,
    private readonly options: FetchEventSourceOptions,
  ) {
    void this.connect();
  }

  addEventListener(type: string, listener: (event: MessageEvent<string>) => void): void {
    this.target.addEventListener(type, listener as EventListener);
  }

  removeEventListener(type: string, listener: (event: MessageEvent<string>) => void): void {
    this.target.removeEventListener(type, listener as EventListener);
  }

  close(): void {
    this.readyState = this.CLOSED;
    clearTimeout(this.timer);
    this.abort?.abort();
  }

  private async connect(): Promise<void> {
    const abort = (this.abort = new AbortController());
    try {
      const token = await this.options.accessToken();
      if (this.readyState === this.CLOSED) return;
      if (!token) return this.fail();
      const headers: Record<string, string> = { Accept: 'text/event-stream', Authorization: `Bearer ${token}` };
      if (this.lastEventId) headers['Last-Event-ID'] = this.lastEventId;
      const response = await (this.options.fetch ?? fetch)(this.url, { headers, cache: 'no-store', signal: abort.signal });
      if (response.status === 401 && !this.renewed) {
        // Expired or revoked: one renewal, then the same request with the new token.
        this.renewed = true;
        return (await this.options.renew()) && this.readyState !== this.CLOSED ? this.connect() : this.fail();
      }
      if (!response.ok || !response.body || !/^text\/event-stream\b/i.test(response.headers.get('content-type') ?? '')) {
        return this.fail();
      }
      this.renewed = false;
      this.readyState = this.OPEN;
      this.target.dispatchEvent(new Event('open'));
      await this.read(response.body);
    } catch {
      // A network error, or close() aborting the request.
    }
    if (this.readyState !== this.CLOSED) this.reconnectLater();
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    const parse = sseParser(
      (type, data, id) => {
        this.lastEventId = id;
        if (type !== undefined) this.target.dispatchEvent(new MessageEvent(type, { data, lastEventId: id }));
      },
      (ms) => (this.retryMs = ms),
    );
    for (;;) {
      const { done, value } = await reader.read();
      if (done || this.readyState === this.CLOSED) return;
      parse(decoder.decode(value, { stream: true }));
    }
  }

  /** Like EventSource after a dropped connection: CONNECTING, 'error', and again after `retry`. */
  private reconnectLater(): void {
    this.readyState = this.CONNECTING;
    this.target.dispatchEvent(new Event('error'));
    if (this.readyState === this.CLOSED) return;
    this.timer = setTimeout(() => void this.connect(), this.retryMs);
  }

  /** Like EventSource given an answer that is not an event stream: it gives up for good. */
  private fail(): void {
    if (this.readyState === this.CLOSED) return;
    this.readyState = this.CLOSED;
    this.target.dispatchEvent(new Event('error'));
  }
}

/**
 * The event stream format (HTML, "Server-sent events", 9.2.6): feed it text as it arrives; it
 * calls `onEvent` per blank-line-terminated event (`type` undefined for one without data, which
 * only sets the id) and `onRetry` for a valid `retry:`. Lines end in CRLF, LF or CR, possibly
 * split across chunks; lines starting with ':' are comments; `data:` lines join with LF.
 */
export function sseParser(
  onEvent: (type: string | undefined, data: string, id: string) => void,
  onRetry: (ms: number) => void,
): (chunk: string) => void {
  let buffer = '';
  let afterCR = false;
  let type = '';
  let data = '';
  let hasData = false;
  let id = '';

  const line = (text: string): void => {
    if (text === '') {
      onEvent(hasData ? type || 'message' : undefined, data, id);
      type = data = '';
      hasData = false;
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') type = value;
    else if (field === 'data') {
      data = hasData ? `${data}\n${value}` : value;
      hasData = true;
    } else if (field === 'id') {
      if (!value.includes('\0')) id = value;
    } else if (field === 'retry' && /^\d+$/.test(value)) onRetry(Number(value));
  };

  return (chunk) => {
    if (!chunk) return;
    // A CR that ended the last chunk already ended its line: an LF starting this one is its pair.
    if (afterCR && chunk.startsWith('\n')) chunk = chunk.slice(1);
    buffer += chunk;
    afterCR = buffer.endsWith('\r');
    const lines = buffer.split(/\r\n|\r|\n/);
    buffer = lines.pop() ?? '';
    lines.forEach(line);
  };
}
