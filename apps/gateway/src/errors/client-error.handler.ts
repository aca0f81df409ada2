import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { PROBLEM_CONTENT_TYPE, ProblemTypes, problem } from './problem';

/**
 * Answers requests that Node's HTTP parser rejects before Fastify sees them (headers too
 * large, malformed request lines, a client too slow to send its request) with problem
 * details like every other error, instead of Fastify's ad-hoc JSON, then closes the socket.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const body =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? problem(ProblemTypes.headersTooLarge, 'The request headers are larger than the server accepts.')
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? problem(ProblemTypes.requestTimeout, 'The request was not received in time.')
        : problem(ProblemTypes.malformedRequest, 'The request is not valid HTTP.');
  const json = JSON.stringify(body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${body.status} ${STATUS_CODES[body.status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy();
}
