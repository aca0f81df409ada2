import { HttpErrorResponse, HttpHeaders } from '@angular/common/http';
import { ApiError, describeApiError, toApiError } from './problem';

function httpError(status: number, error: unknown, headers: Record<string, string> = {}): HttpErrorResponse {
  return new HttpErrorResponse({ status, statusText: 'Status text', error, headers: new HttpHeaders(headers) });
}

describe('toApiError', () => {
  it('reads a validation problem with its field errors', () => {
    const error = toApiError(
      httpError(400, {
        type: 'urn:books-catalogue:problem:validation-failed',
        title: 'The request is not valid',
        status: 400,
        detail: 'One or more fields are not valid; see errors.',
        requestId: 'req-1',
        errors: [{ field: 'title', message: 'Title is required' }, { field: 42 }],
      }),
    );

    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(400);
    expect(error.detail).toBe('One or more fields are not valid; see errors.');
    expect(error.fieldErrors).toEqual([{ field: 'title', message: 'Title is required' }]);
    expect(error.requestId).toBe('req-1');
    expect(error.unreachable).toBe(false);
  });

  it('reads a problem that arrived as text', () => {
    const error = toApiError(httpError(404, JSON.stringify({ title: 'Not found', status: 404, detail: 'No book has that id.' })));

    expect(error.detail).toBe('No book has that id.');
  });

  it('takes Retry-After in seconds or as a date', () => {
    expect(toApiError(httpError(429, { title: 'Too many requests' }, { 'Retry-After': '7' })).retryAfterSeconds).toBe(7);
    const inTenSeconds = new Date(Date.now() + 10_000).toUTCString();
    const fromDate = toApiError(httpError(503, { title: 'Unavailable' }, { 'Retry-After': inTenSeconds })).retryAfterSeconds;
    expect(fromDate).toBeGreaterThanOrEqual(9);
    expect(fromDate).toBeLessThanOrEqual(10);
  });

  it('counts a network failure as unreachable', () => {
    expect(toApiError(httpError(0, new ProgressEvent('error'))).unreachable).toBe(true);
  });

  it('counts a 5xx without a problem body as unreachable: a proxy answered, not the API', () => {
    expect(toApiError(httpError(502, '<html>Bad Gateway</html>')).unreachable).toBe(true);
    const fromGateway = httpError(503, { title: 'The books service is unavailable', detail: 'No replica.' });
    expect(toApiError(fromGateway).unreachable).toBe(false);
  });

  it('passes an ApiError through', () => {
    const error = new ApiError({ status: 409, title: 'Conflict', detail: 'Try again.' });
    expect(toApiError(error)).toBe(error);
  });
});

describe('describeApiError', () => {
  it('uses the problem detail', () => {
    expect(describeApiError(new ApiError({ status: 404, title: 'Not found', detail: 'No book has that id.' }))).toBe(
      'No book has that id.',
    );
  });

  it('says so when the API cannot be reached', () => {
    expect(describeApiError(new ApiError({ status: 0, title: '', detail: '', unreachable: true }))).toMatch(/cannot be reached/);
  });

  it('tells how long to wait when the server says', () => {
    const busy = new ApiError({ status: 429, title: 'Too many requests', detail: '', retryAfterSeconds: 3 });
    expect(describeApiError(busy)).toBe('Too many requests. Try again in 3 seconds.');
    const down = new ApiError({ status: 503, title: 'Unavailable', detail: 'No replica is reachable.', retryAfterSeconds: 1 });
    expect(describeApiError(down)).toBe('No replica is reachable. Try again in 1 second.');
  });
});
