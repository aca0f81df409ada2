import { GatewayConfig } from '../config/gateway.config';
import { AuthConfigController } from './auth-config.controller';

const settings = (env: Record<string, string>) => new AuthConfigController(new GatewayConfig(env)).settings();

describe(AuthConfigController.name, () => {
  it('says sign-in is off, and nothing more, with AUTH=off', () => {
    expect(settings({ AUTH: 'off' })).toEqual({ enabled: false });
  });

  it('hands the web app the identity provider, and that reads are public by default', () => {
    expect(settings({ OIDC_ISSUER: 'http://127.0.0.1:4100' })).toEqual({
      enabled: true,
      issuer: 'http://127.0.0.1:4100',
      clientId: expect.any(String),
      scope: 'openid profile roles offline_access',
      audience: expect.any(String),
      readsRequireSignIn: false,
    });
  });

  it('tells the web app when reading needs a sign-in (READS_REQUIRE_SIGN_IN)', () => {
    expect(settings({ OIDC_ISSUER: 'http://127.0.0.1:4100', READS_REQUIRE_SIGN_IN: 'true' })).toMatchObject({ enabled: true, readsRequireSignIn: true });
  });
});
