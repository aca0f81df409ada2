import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { READ_RETRY, retryReadsInterceptor } from './retry-reads.interceptor';

describe('retryReadsInterceptor', () => {
  let http: HttpClient;
  let backend: HttpTestingController;

  beforeEach(() => {
    jest.useFakeTimers();
    TestBed.configureTestingModule({
      providers: [provideHttpClient(withInterceptors([retryReadsInterceptor])), provideHttpClientTesting()],
    });
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
  });

  afterEach(() => {
    backend.verify();
    jest.useRealTimers();
  });

  it('tries a GET again after a transient failure, and succeeds', () => {
    const received = jest.fn();
    http.get('/api/books').subscribe(received);

    backend.expectOne('/api/books').flush(null, { status: 503, statusText: 'Service Unavailable' });
    jest.advanceTimersByTime(READ_RETRY.baseDelayMs);
    backend.expectOne('/api/books').flush({ items: [] });

    expect(received).toHaveBeenCalledWith({ items: [] });
  });

  it('gives up after its attempts', () => {
    const failed = jest.fn();
    http.get('/api/books').subscribe({ error: failed });

    backend.expectOne('/api/books').error(new ProgressEvent('error'), { status: 0 });
    jest.advanceTimersByTime(READ_RETRY.baseDelayMs);
    backend.expectOne('/api/books').error(new ProgressEvent('error'), { status: 0 });
    jest.advanceTimersByTime(READ_RETRY.baseDelayMs * 2);
    backend.expectOne('/api/books').error(new ProgressEvent('error'), { status: 0 });

    expect(failed).toHaveBeenCalledWith(expect.objectContaining({ status: 0 }));
  });

  it('does not retry what will not pass, nor a write', () => {
    const failed = jest.fn();
    http.get('/api/books/x').subscribe({ error: failed });
    http.post('/api/books', {}).subscribe({ error: failed });

    backend.expectOne('/api/books/x').flush(null, { status: 404, statusText: 'Not Found' });
    backend.expectOne({ method: 'POST' }).flush(null, { status: 503, statusText: 'Service Unavailable' });
    jest.runAllTimers();

    expect(failed).toHaveBeenCalledTimes(2);
  });

  it('waits as long as Retry-After asks, unless that is too long', () => {
    const failed = jest.fn();
    http.get('/api/books').subscribe({ error: failed });

    const tooMany = { status: 429, statusText: 'Too Many Requests', headers: { 'Retry-After': '60' } };
    backend.expectOne('/api/books').flush(null, tooMany);

    expect(failed).toHaveBeenCalled();
  });
});
