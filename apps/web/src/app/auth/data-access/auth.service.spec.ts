import { TestBed } from '@angular/core/testing';
import { FakeAuthClient, startAuth } from '../testing/fake-auth-client';
import { AUTH_CLIENT_LOADER, READS_REQUIRE_SIGN_IN } from './auth-client';
import { RETURN_TO_KEY } from './auth.service';

describe('Auth', () => {
  afterEach(() => {
    sessionStorage.clear();
    history.replaceState(null, '', '/');
  });

  describe('with sign-in off', () => {
    it('shows every control, and offers no sign-in', async () => {
      const auth = await startAuth();

      expect(auth.enabled()).toBe(false);
      expect(auth.canEdit()).toBe(true);
      expect(auth.canImport()).toBe(true);
      expect(auth.mustSignInToRead()).toBe(false);
      expect(await auth.accessToken()).toBeUndefined();
      expect(await auth.renew()).toBe(false);
    });
  });

  it('still starts, signed out, when the OIDC client cannot be loaded', async () => {
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    TestBed.configureTestingModule({
      providers: [{ provide: AUTH_CLIENT_LOADER, useValue: () => Promise.reject(new Error('Loading chunk failed')) }],
    });

    const auth = await startAuth();

    expect(auth.user()).toBeUndefined();
    expect(console.error).toHaveBeenCalledWith('Sign-in could not be started.', expect.any(Error));
  });

  describe('with sign-in on', () => {
    let client: FakeAuthClient;

    beforeEach(() => {
      client = new FakeAuthClient();
      TestBed.configureTestingModule({ providers: [client.provide()] });
    });

    it('starts the client with the page’s URL', async () => {
      history.replaceState(null, '', '/books/b1');
      const auth = await startAuth();

      expect(auth.enabled()).toBe(true);
      expect(client.loadedWith).toEqual(['http://localhost/books/b1']);
    });

    it('lets nobody edit until signed in, then by role', async () => {
      const auth = await startAuth();
      const allowed = () => ({ edit: auth.canEdit(), import: auth.canImport() });
      expect(allowed()).toEqual({ edit: false, import: false });

      client.signInAs('Rita Reader', ['reader']);
      expect(allowed()).toEqual({ edit: false, import: false });

      client.signInAs('Ed Editor', ['editor']);
      expect(allowed()).toEqual({ edit: true, import: false });

      client.signInAs('Ada Admin', ['admin']);
      expect(allowed()).toEqual({ edit: true, import: true });
      expect(auth.user()).toEqual({ name: 'Ada Admin', roles: ['admin'] });
    });

    it('signs in from the page the user is on, and puts them back there after the callback', async () => {
      history.replaceState(null, '', '/books/b1?from=list');
      const auth = await startAuth();

      await auth.signIn();
      expect(sessionStorage.getItem(RETURN_TO_KEY)).toBe('/books/b1?from=list');
      expect(client.signIn).toHaveBeenCalled();

      // The identity provider sends the browser to the app's root with the code; the app starts again.
      history.replaceState(null, '', '/?code=abc&state=xyz');
      TestBed.resetTestingModule();
      TestBed.configureTestingModule({ providers: [client.provide()] });
      await startAuth();

      expect(location.pathname + location.search).toBe('/books/b1?from=list');
      expect(sessionStorage.getItem(RETURN_TO_KEY)).toBeNull();
    });

    it('never returns to another origin after the callback', async () => {
      sessionStorage.setItem(RETURN_TO_KEY, '//evil.example/x');
      history.replaceState(null, '', '/?code=abc&state=xyz');

      await startAuth();

      expect(location.href).toBe('http://localhost/');
    });

    it('renews once for many callers, and forgets the session when renewal fails', async () => {
      const auth = await startAuth();
      client.signInAs('Ed Editor', ['editor']);

      const renewals = await Promise.all([auth.renew(), auth.renew()]);

      expect(renewals).toEqual([false, false]);
      expect(client.renew).toHaveBeenCalledTimes(1);
      expect(auth.user()).toBeUndefined();
      expect(auth.canEdit()).toBe(false);
    });

    it('lets anyone read when the gateway does not require a sign-in for reading', async () => {
      const auth = await startAuth();

      expect(auth.readsRequireSignIn()).toBe(false);
      expect(auth.mustSignInToRead()).toBe(false);
    });

    it('asks for a sign-in before reading while nobody is signed in, when the gateway requires it', async () => {
      TestBed.overrideProvider(READS_REQUIRE_SIGN_IN, { useValue: true });
      const auth = await startAuth();

      expect(auth.readsRequireSignIn()).toBe(true);
      expect(auth.mustSignInToRead()).toBe(true);

      client.signInAs('Rea Reader', ['reader']);
      expect(auth.mustSignInToRead()).toBe(false);

      client.forget();
      expect(auth.mustSignInToRead()).toBe(true);
    });
  });
});
