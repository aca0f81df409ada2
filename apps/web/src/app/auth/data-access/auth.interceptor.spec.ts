import { HttpClient, HttpErrorResponse, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { firstValueFrom } from 'rxjs';
import { FakeAuthClient, startAuth } from '../testing/fake-auth-client';
import { authInterceptor } from './auth.interceptor';

describe('authInterceptor', () => {
  let client: FakeAuthClient;
  let http: HttpClient;
  let backend: HttpTestingController;

  async function setUp(signIn: boolean): Promise<void> {
    client = new FakeAuthClient();
    TestBed.configureTestingModule({
      providers: [provideHttpClient(withInterceptors([authInterceptor])), provideHttpClientTesting(), client.provide()],
    });
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
    await startAuth();
    if (signIn) client.signInAs('Ed Editor', ['editor'], 'first');
  }

  /** The interceptor awaits the token before sending: let it. */
  const tick = () => new Promise((resolve) => setTimeout(resolve));

  afterEach(() => backend.verify());

  it('sends the access token to our API', async () => {
    await setUp(true);
    http.get('/api/books').subscribe();
    http.post('http://localhost/api/books', {}).subscribe();
    await tick();

    for (const request of backend.match(() => true)) {
      expect(request.request.headers.get('Authorization')).toBe('Bearer first');
      request.flush({});
    }
  });

  it('never sends it elsewhere: the identity provider, another origin, or outside /api', async () => {
    await setUp(true);
    const urls = ['http://127.0.0.1:4455/token', 'https://evil.example/api/books', '//evil.example/api/books', '/apiary', '/index.html'];
    urls.forEach((url) => http.get(url).subscribe());
    await tick();

    const requests = backend.match(() => true);
    expect(requests).toHaveLength(urls.length);
    for (const request of requests) {
      expect(request.request.headers.has('Authorization')).toBe(false);
      request.flush({});
    }
  });

  it('sends none when nobody is signed in', async () => {
    await setUp(false);
    http.get('/api/books').subscribe();
    await tick();

    const request = backend.expectOne('/api/books');
    expect(request.request.headers.has('Authorization')).toBe(false);
    request.flush({});
  });

  it('renews once on a 401 and sends the write again with the new token', async () => {
    await setUp(true);
    client.renewals = ['second'];
    const saved = firstValueFrom(http.put('/api/books/b1', { title: 'Dune' }));
    await tick();

    backend.expectOne('/api/books/b1').flush(null, { status: 401, statusText: 'Unauthorized' });
    await tick();
    const again = backend.expectOne('/api/books/b1');
    expect(again.request.headers.get('Authorization')).toBe('Bearer second');
    again.flush({ id: 'b1' });

    expect(await saved).toEqual({ id: 'b1' });
    expect(client.renew).toHaveBeenCalledTimes(1);
  });

  it('passes the 401 on when renewal fails, for the caller to ask for a new sign-in', async () => {
    await setUp(true);
    client.renewals = [undefined];
    const outcome = firstValueFrom(http.post('/api/books', {})).catch((error: unknown) => error);
    await tick();

    backend.expectOne('/api/books').flush(null, { status: 401, statusText: 'Unauthorized' });
    await tick();

    expect(await outcome).toEqual(expect.objectContaining({ status: 401 }));
    expect(client.user()).toBeUndefined();
  });

  it('reads again without a token when renewal fails: reads are public', async () => {
    await setUp(true);
    client.renewals = [undefined];
    const page = firstValueFrom(http.get('/api/books'));
    await tick();

    backend.expectOne('/api/books').flush(null, { status: 401, statusText: 'Unauthorized' });
    await tick();
    const again = backend.expectOne('/api/books');
    expect(again.request.headers.has('Authorization')).toBe(false);
    again.flush({ items: [] });

    expect(await page).toEqual({ items: [] });
  });

  it('does not renew for a 403: the account lacks the role, a new token would not help', async () => {
    await setUp(true);
    const forbidden = firstValueFrom(http.delete('/api/books/b1')).catch((caught: unknown) => caught);
    await tick();
    backend.expectOne('/api/books/b1').flush(null, { status: 403, statusText: 'Forbidden' });

    expect(await forbidden).toBeInstanceOf(HttpErrorResponse);
    expect(client.renew).not.toHaveBeenCalled();
  });
});
