import { connect } from 'node:net';

/** An HTTP answer as it came over the socket, for requests `fetch` refuses to send. */
export interface RawResponse {
  status: number;
  /** Header names lower-cased; a repeated header keeps its last value. */
  headers: Record<string, string>;
  /** The body, de-chunked, decoded as UTF-8. */
  text: string;
}

export interface RawRequest {
  method: string;
  /** Sent exactly as given: no normalisation of `..`, `%2e` or anything else. */
  target: string;
  /**
   * Header lines after `Host` and `Connection: close`, sent as Latin-1: one byte per
   * character, so a header can carry any byte (pass UTF-8 bytes as their Latin-1 string).
   */
  headers?: [string, string][];
  body?: string | Buffer;
  /** Adds `Content-Length` for the body (default true); false sends the headers as given. */
  contentLength?: boolean;
  /** Leaves out the `Host` header that HTTP/1.1 requires. */
  omitHost?: boolean;
}

/** Builds the bytes of one HTTP/1.1 request that asks the server to close the connection afterwards. */
export function rawHttpRequest(request: RawRequest): Buffer {
  const body = request.body === undefined ? undefined : Buffer.from(request.body);
  let head = `${request.method} ${request.target} HTTP/1.1\r\n`;
  if (!request.omitHost) head += 'Host: localhost\r\n';
  head += 'Connection: close\r\n';
  for (const [name, value] of request.headers ?? []) head += `${name}: ${value}\r\n`;
  if (body && request.contentLength !== false) head += `Content-Length: ${body.length}\r\n`;
  return Buffer.concat([Buffer.from(`${head}\r\n`, 'latin1'), body ?? Buffer.alloc(0)]);
}

/** A chunked body for `Transfer-Encoding: chunked` requests, in chunks of at most `size` bytes. */
export function chunked(body: Buffer, size = 4096): Buffer {
  const parts: Buffer[] = [];
  for (let offset = 0; offset < body.length; offset += size) {
    const chunk = body.subarray(offset, offset + size);
    parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n\r\n'));
  return Buffer.concat(parts);
}

/**
 * Sends bytes over a new TCP connection and reads until the server closes it (every request
 * built by {@link rawHttpRequest} asks it to). Rejects when no complete answer arrives in time.
 */
export function sendRaw(baseUrl: string, bytes: Buffer, timeoutMs = 10_000): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const received: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms; received: ${Buffer.concat(received).toString().slice(0, 300)}`));
    }, timeoutMs);
    // write, not end: Node aborts requests still in progress when the client half-closes.
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    // A server that answers early may reset the connection while the request is still being
    // written; what it answered before that is still the answer.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(parseResponse(Buffer.concat(received)));
      } catch (error) {
        reject(error);
      }
    });
  });
}

function parseResponse(data: Buffer): RawResponse {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`the server closed the connection without a complete answer: ${JSON.stringify(data.toString().slice(0, 300))}`);
  const [statusLine, ...headerLines] = data.subarray(0, end).toString('latin1').split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
  if (!status) throw new Error(`not an HTTP status line: ${JSON.stringify(statusLine)}`);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = data.subarray(end + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body);
  else if (headers['content-length'] !== undefined) body = body.subarray(0, Number(headers['content-length']));
  return { status, headers, text: body.toString('utf8') };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = parseInt(data.subarray(offset, lineEnd).toString(), 16);
    if (!size) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
