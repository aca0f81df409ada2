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
 * `00-<32 hex trace id>-<16 hex parent id>-00`, from the browser's cryptographic random source
 * (a random UUID is 122 random bits in 32 hex digits; the short form keeps the bundle small).
 */
export function newTraceparent(): string {
  return `00-${randomHex()}-${randomHex().slice(16)}-00`;
}

const randomHex = () => crypto.randomUUID().replaceAll('-', '');
