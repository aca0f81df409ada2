import { type ClientRequest, type IncomingMessage, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
  /** performance.now() when the chunk holding the end of the message arrived. */
  receivedAt: number;
}

/**
 * A minimal Server-Sent Events client on node:http, so that each message is timestamped
 * the moment its bytes arrive (EventSource and fetch add buffering we do not control).
 */
export class SseClient {
  private buffer = '';
  private response?: IncomingMessage;
  private closedByUs = false;
  /** Set when the stream ended or failed without close() being called. */
  failure?: Error;

  private constructor(
    private readonly req: ClientRequest,
    private readonly onMessage: (message: SseMessage) => void,
  ) {}

  /**
   * Connects and resolves once the response headers and the first bytes (`retry:`) arrived.
   * `localAddress` (say 127.0.0.7) makes it a client of its own: Nginx caps streams per address.
   */
  static connect(url: string, onMessage: (message: SseMessage) => void, localAddress?: string): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const req = request(url, { headers: { accept: 'text/event-stream' }, ...(localAddress ? { localAddress } : {}) });
      const client = new SseClient(req, onMessage);
      req.on('response', (response) => {
        client.response = response;
        if (response.statusCode !== 200) {
          response.resume();
          return reject(new Error(`GET ${url}: HTTP ${response.statusCode}`));
        }
        response.setEncoding('utf8');
        let first = true;
        response.on('data', (chunk: string) => {
          client.receive(chunk, performance.now());
          if (first) {
            first = false;
            resolve(client);
          }
        });
        response.on('end', () => client.fail(new Error('The event stream ended')));
        response.on('error', (error) => client.fail(error));
      });
      req.on('error', (error) => {
        client.fail(error);
        reject(error);
      });
      req.end();
    });
  }

  close(): void {
    this.closedByUs = true;
    this.response?.destroy();
    this.req.destroy();
  }

  private fail(error: Error): void {
    if (!this.closedByUs) this.failure ??= error;
  }

  private receive(chunk: string, receivedAt: number): void {
    this.buffer += chunk;
    for (let end = this.buffer.indexOf('\n\n'); end >= 0; end = this.buffer.indexOf('\n\n')) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const message: SseMessage = { data: '', receivedAt };
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'data') data.push(value);
        else if (field === 'id') message.id = value;
        else if (field === 'event') message.event = value;
      }
      if (data.length === 0) continue;
      message.data = data.join('\n');
      this.onMessage(message);
    }
  }
}
