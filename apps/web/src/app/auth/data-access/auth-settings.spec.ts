import { AUTH_CONFIG_URL, fetchAuthSettings, parseAuthSettings, toOpenIdConfiguration } from './auth-settings';

const ENABLED = {
  enabled: true,
  issuer: 'http://127.0.0.1:4455',
  clientId: 'books-web',
  scope: 'openid profile roles offline_access',
  audience: 'https://books.example/api',
  readsRequireSignIn: false,
} as const;

/** A fetch answering with this status and JSON body (jsdom has no Response). */
function answering(status: number, body?: unknown): jest.Mock {
  return jest.fn(async () => ({ status, ok: status >= 200 && status < 300, json: async () => body }) as Response);
}

describe('auth settings', () => {
  beforeEach(() => jest.spyOn(console, 'warn').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  describe('fetchAuthSettings', () => {
    it('reads "off" from the gateway', async () => {
      const fetchFn = answering(200, { enabled: false });

      expect(await fetchAuthSettings(fetchFn)).toEqual({ enabled: false });
      expect(fetchFn).toHaveBeenCalledWith(AUTH_CONFIG_URL, expect.anything());
    });

    it('reads "on" with where the identity provider is', async () => {
      expect(await fetchAuthSettings(answering(200, ENABLED))).toEqual(ENABLED);
    });

    it('reads whether reading needs a sign-in, and takes a gateway that does not say for "reads are public"', async () => {
      expect(await fetchAuthSettings(answering(200, { ...ENABLED, readsRequireSignIn: true }))).toEqual({ ...ENABLED, readsRequireSignIn: true });
      const { readsRequireSignIn: _unsaid, ...older } = ENABLED;
      expect(await fetchAuthSettings(answering(200, older))).toEqual({ ...ENABLED, readsRequireSignIn: false });
    });

    it('takes a gateway from before sign-in (404) for "off", quietly', async () => {
      expect(await fetchAuthSettings(answering(404))).toEqual({ enabled: false });
      expect(console.warn).not.toHaveBeenCalled();
    });

    it('carries on without sign-in, and says so, when the answer is unusable', async () => {
      expect(await fetchAuthSettings(answering(200, { enabled: true, issuer: 'not a url' }))).toEqual({ enabled: false });
      expect(await fetchAuthSettings(answering(502))).toEqual({ enabled: false });
      expect(await fetchAuthSettings(jest.fn(async () => Promise.reject(new TypeError('Failed to fetch'))))).toEqual({
        enabled: false,
      });
      expect(console.warn).toHaveBeenCalledTimes(3);
    });
  });

  it('refuses settings that name no client', () => {
    expect(() => parseAuthSettings({ ...ENABLED, clientId: '' })).toThrow(AUTH_CONFIG_URL);
  });

  describe('toOpenIdConfiguration', () => {
    it('asks for code + PKCE, refresh tokens and an access token for the API, back to the app’s root', () => {
      const config = toOpenIdConfiguration(ENABLED, 'https://books.example');

      expect(config).toEqual(
        expect.objectContaining({
          authority: ENABLED.issuer,
          clientId: 'books-web',
          scope: 'openid profile roles offline_access',
          responseType: 'code',
          redirectUrl: 'https://books.example/',
          postLogoutRedirectUri: 'https://books.example/',
          silentRenew: true,
          useRefreshToken: true,
          autoUserInfo: false,
          customParamsAuthRequest: { resource: ENABLED.audience },
          customParamsCodeRequest: { resource: ENABLED.audience },
          customParamsRefreshTokenRequest: { resource: ENABLED.audience },
        }),
      );
    });

    it('adds offline_access when the scope lacks it: renewal needs a refresh token', () => {
      expect(toOpenIdConfiguration({ ...ENABLED, scope: 'openid profile roles' }, 'https://books.example').scope).toBe(
        'openid profile roles offline_access',
      );
    });

    it('sends no resource for an audience that is not an absolute URI (the IdP’s default resource applies)', () => {
      const config = toOpenIdConfiguration({ ...ENABLED, audience: 'books-api' }, 'https://books.example');

      expect(config.customParamsAuthRequest).toEqual({});
      expect(config.customParamsRefreshTokenRequest).toEqual({});
    });
  });
});
