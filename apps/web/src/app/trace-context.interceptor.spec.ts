import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { traceContextInterceptor } from './trace-context.interceptor';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-00$/;

describe('traceContextInterceptor', () => {
  let http: HttpClient;
  let backend: HttpTestingController;

  beforeEach(() => {
    TestBed.configureTestingModule({ providers: [provideHttpClient(withInterceptors([traceContextInterceptor])), provideHttpClientTesting()] });
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
  });

  afterEach(() => backend.verify());

  it('starts a new, unsampled trace for each call to our API', () => {
    http.get('/api/books').subscribe();
    http.put('/api/books/1', {}).subscribe();
    const [first, second] = backend.match(() => true).map((request) => request.request.headers.get('traceparent') ?? '');

    expect(first).toMatch(TRACEPARENT);
    expect(second).toMatch(TRACEPARENT);
    expect(first.split('-')[1]).not.toBe(second.split('-')[1]);
  });

  it('works outside secure contexts, where crypto.randomUUID does not exist (plain HTTP, not localhost)', () => {
    const randomUUID = crypto.randomUUID;
    Object.defineProperty(crypto, 'randomUUID', { value: undefined, configurable: true });
    try {
      http.get('/api/books').subscribe();
      expect(backend.expectOne(() => true).request.headers.get('traceparent')).toMatch(TRACEPARENT);
    } finally {
      Object.defineProperty(crypto, 'randomUUID', { value: randomUUID, configurable: true });
    }
  });

  it('sends no trace context to other origins (the identity provider)', () => {
    http.get('https://id.example/.well-known/openid-configuration').subscribe();

    expect(backend.expectOne(() => true).request.headers.has('traceparent')).toBe(false);
  });
});
