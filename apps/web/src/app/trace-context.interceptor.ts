import type { HttpInterceptorFn } from '@angular/common/http';
import { DOCUMENT, inject } from '@angular/core';
import { isApiRequest } from './api-request';

/**
 * Gives every call to our API a W3C `traceparent`: a new random trace id and parent id, with
 * the sampled flag off. The browser records no spans; whether the call is traced is the
 * gateway's decision, which keeps the trace id, so a trace in Jaeger starts with the id the
 * browser sent. Before the retries: a read sent again stays in the same trace.
 */
export const traceContextInterceptor: HttpInterceptorFn = (request, next) =>
  isApiRequest(request, inject(DOCUMENT).location) ? next(request.clone({ setHeaders: { traceparent: newTraceparent() } })) : next(request);

/**
 * `00-<32 hex trace id>-<16 hex parent id>-00`, from the browser's cryptographic random source.
 * `crypto.getRandomValues`, not `crypto.randomUUID`: the latter exists only in secure contexts,
 * and a site reached over plain HTTP by a host name other than localhost is not one.
 */
export function newTraceparent(): string {
  return `00-${randomHex(16)}-${randomHex(8)}-00`;
}

const randomHex = (bytes: number) => Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (byte) => byte.toString(16).padStart(2, '0')).join('');
