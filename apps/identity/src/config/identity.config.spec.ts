import { ConfigError } from '@books/server-kit';
import { cookieKeys, IdentityConfig } from './identity.config';

describe(IdentityConfig.name, () => {
  it('has defaults for a local run, with a cookie key made for it', () => {
    const config = new IdentityConfig({});
    expect(config).toMatchObject({ PORT: 3100, ACCESS_TOKEN_TTL_S: 300, API_AUDIENCE: 'books-api', TRUST_PROXY: true });
    expect(cookieKeys(config)).toMatchObject({ generated: true, keys: [expect.stringMatching(/^[\w-]{43}$/)] });
  });

  it('takes comma-separated cookie keys, the first signing', () => {
    const keys = `${'a'.repeat(32)}, ${'b'.repeat(40)}`;
    expect(cookieKeys(new IdentityConfig({ IDENTITY_COOKIE_KEYS: keys }))).toEqual({ generated: false, keys: ['a'.repeat(32), 'b'.repeat(40)] });
  });

  it.each([
    [{ NODE_ENV: 'production' }, /IDENTITY_COOKIE_KEYS: is required in production/],
    [{ IDENTITY_COOKIE_KEYS: 'short' }, /IDENTITY_COOKIE_KEYS(\.0)?: each cookie key must be at least 32 characters/],
    [{ ISSUER: 'http://idp.example/' }, /ISSUER: must be a URL/],
    [{ ISSUER: 'idp.example' }, /ISSUER: must be a URL/],
    [{ ACCESS_TOKEN_TTL_S: '0' }, /ACCESS_TOKEN_TTL_S/],
    [{ ACCESS_TOKEN_TTL_S: '' }, /ACCESS_TOKEN_TTL_S: must be a whole number/],
  ])('stops start-up on %j, naming the setting', (environment, message) => {
    expect(() => new IdentityConfig(environment)).toThrow(ConfigError);
    expect(() => new IdentityConfig(environment)).toThrow(message);
  });
});
