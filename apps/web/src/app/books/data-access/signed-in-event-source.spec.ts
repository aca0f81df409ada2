import { TestBed } from '@angular/core/testing';
import { FakeAuthClient, startAuth } from '../../auth/testing/fake-auth-client';
import { BOOK_EVENTS_URL, EVENT_SOURCE_FACTORY } from './book-events.service';
import { FetchEventSource } from './fetch-event-source';
import { provideSignedInEventSource } from './signed-in-event-source';

describe('provideSignedInEventSource', () => {
  afterEach(() => Reflect.deleteProperty(globalThis, 'fetch'));

  it('opens the stream over fetch with the signed-in user’s access token', async () => {
    const fetchFn = jest.fn((_url: string, _init: RequestInit) => new Promise<Response>(() => undefined));
    Object.assign(globalThis, { fetch: fetchFn });
    const client = new FakeAuthClient();
    TestBed.configureTestingModule({ providers: [client.provide(), provideSignedInEventSource()] });
    await startAuth();
    client.signInAs('Rea Reader', ['reader'], 'token-of-rea');

    const source = TestBed.inject(EVENT_SOURCE_FACTORY)(BOOK_EVENTS_URL) as unknown as FetchEventSource;
    await new Promise((resolve) => setTimeout(resolve, 0));
    source.close();

    expect(source).toBeInstanceOf(FetchEventSource);
    expect(fetchFn).toHaveBeenCalledWith(BOOK_EVENTS_URL, expect.objectContaining({ headers: expect.objectContaining({ Authorization: 'Bearer token-of-rea' }) }));
  });

  it('renews through Auth (once for everyone) when the stream meets a 401', async () => {
    const fetchFn = jest.fn(async (_url: string, _init: RequestInit) => ({ status: 401, ok: false, body: null, headers: { get: () => null } }) as unknown as Response);
    Object.assign(globalThis, { fetch: fetchFn });
    const client = new FakeAuthClient();
    client.renewals = ['fresh'];
    TestBed.configureTestingModule({ providers: [client.provide(), provideSignedInEventSource()] });
    await startAuth();
    client.signInAs('Rea Reader', ['reader'], 'expired');

    const source = TestBed.inject(EVENT_SOURCE_FACTORY)(BOOK_EVENTS_URL) as unknown as FetchEventSource;
    await new Promise((resolve) => setTimeout(resolve, 0));

    expect(client.renew).toHaveBeenCalledTimes(1);
    expect(fetchFn.mock.calls.map(([, init]) => init.headers)).toEqual([
      expect.objectContaining({ Authorization: 'Bearer expired' }),
      expect.objectContaining({ Authorization: 'Bearer fresh' }),
    ]);
    expect(source.readyState).toBe(source.CLOSED);
  });
});
