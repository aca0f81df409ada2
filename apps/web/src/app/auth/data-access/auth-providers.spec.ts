import { loadAuthProviders } from './auth-providers';

describe('loadAuthProviders', () => {
  it('adds nothing, and loads no OIDC library, when sign-in is off', async () => {
    const importOidc = jest.fn();

    expect(await loadAuthProviders({ enabled: false }, 'https://books.example', importOidc)).toEqual([]);
    expect(importOidc).not.toHaveBeenCalled();
  });

  it('loads the OIDC library and gives it the settings when sign-in is on', async () => {
    const providers = { ɵproviders: [] };
    const provideOidc = jest.fn(() => providers);
    const settings = { enabled: true, issuer: 'http://idp.example', clientId: 'books-web', scope: 'openid', audience: 'books-api', readsRequireSignIn: false } as const;

    const loaded = await loadAuthProviders(settings, 'https://books.example', async () => ({ provideOidc }) as never);

    expect(loaded).toEqual([providers]);
    expect(provideOidc).toHaveBeenCalledWith(settings, 'https://books.example');
  });
});
