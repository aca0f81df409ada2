import { ConfigError } from '@books/server-kit';
import { GatewayConfig } from './gateway.config';

describe(GatewayConfig.name, () => {
  it('takes a NATS user and password together, and neither', () => {
    expect(new GatewayConfig({ AUTH: 'off', NATS_USER: 'gateway', NATS_PASSWORD: 'secret' })).toMatchObject({ NATS_USER: 'gateway', NATS_PASSWORD: 'secret' });
    const anonymous = new GatewayConfig({ AUTH: 'off' });
    expect([anonymous.NATS_USER, anonymous.NATS_PASSWORD]).toEqual([undefined, undefined]);
  });

  it.each([
    [{ NATS_USER: 'gateway' }, /NATS_PASSWORD: NATS_USER and NATS_PASSWORD go together/],
    [{ NATS_PASSWORD: 'secret' }, /NATS_PASSWORD: NATS_USER and NATS_PASSWORD go together/],
    [{ NATS_USER: '', NATS_PASSWORD: 'secret' }, /NATS_USER: must not be empty/],
    [{ NATS_USER: 'gateway', NATS_PASSWORD: '' }, /NATS_PASSWORD: must not be empty/],
  ])('stops start-up on %j, naming the setting', (environment, message) => {
    expect(() => new GatewayConfig(environment)).toThrow(ConfigError);
    expect(() => new GatewayConfig(environment)).toThrow(message);
  });
});

describe(`${GatewayConfig.name}: traces`, () => {
  it('traces nothing by default, and sends spans to a local OTLP collector when asked to', () => {
    expect(new GatewayConfig({ AUTH: 'off' })).toMatchObject({ TRACING_SAMPLE_RATIO: 0, OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' });
    expect(new GatewayConfig({ AUTH: 'off', TRACING_SAMPLE_RATIO: '0.01' }).TRACING_SAMPLE_RATIO).toBe(0.01);
  });

  it.each([
    [{ TRACING_SAMPLE_RATIO: '2' }, /TRACING_SAMPLE_RATIO: must be a number from 0 to 1/],
    [{ TRACING_SAMPLE_RATIO: '1%' }, /TRACING_SAMPLE_RATIO: must be a number from 0 to 1/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'jaeger:4318' }, /OTEL_EXPORTER_OTLP_ENDPOINT: must be a URL/],
  ])('stops start-up on %j, naming the setting', (environment, message) => {
    expect(() => new GatewayConfig({ AUTH: 'off', ...environment })).toThrow(message);
  });
});

describe(`${GatewayConfig.name}: sign-in`, () => {
  const oidc = { OIDC_ISSUER: 'http://127.0.0.1:4100' };

  it('checks tokens by default, with the documented defaults', () => {
    expect(new GatewayConfig(oidc)).toMatchObject({
      AUTH: 'oidc',
      OIDC_AUDIENCE: 'books-api',
      OIDC_ROLES_CLAIM: 'roles',
      OIDC_NAME_CLAIM: 'name',
      OIDC_CLOCK_TOLERANCE_S: 5,
      OIDC_ALGORITHMS: ['RS256', 'PS256', 'ES256', 'EdDSA'],
      OIDC_JWKS_CACHE_MAX_AGE_MS: 600_000,
      OIDC_WEB_CLIENT_ID: 'books-web',
      READS_REQUIRE_SIGN_IN: false,
    });
  });

  it('needs no issuer with AUTH=off', () => {
    expect(new GatewayConfig({ AUTH: 'off' }).OIDC_ISSUER).toBeUndefined();
  });

  it.each([
    [{}, /OIDC_ISSUER: required with AUTH=oidc/],
    [{ ...oidc, OIDC_ALGORITHMS: 'RS256,HS256' }, /OIDC_ALGORITHMS.*"HS256" is not accepted/],
    [{ ...oidc, OIDC_ALGORITHMS: 'none' }, /OIDC_ALGORITHMS.*"none" is not accepted/],
    [{ ...oidc, OIDC_ALGORITHMS: ' , ' }, /OIDC_ALGORITHMS: name at least one algorithm/],
    [{ ...oidc, OIDC_CLOCK_TOLERANCE_S: '' }, /OIDC_CLOCK_TOLERANCE_S: must be a whole number/],
    [{ ...oidc, OIDC_ISSUER: 'not a url' }, /OIDC_ISSUER: must be a URL/],
    [{ ...oidc, AUTH: 'maybe' }, /AUTH: must be oidc or off/],
  ])('stops start-up on %j, naming the setting', (environment, message) => {
    expect(() => new GatewayConfig(environment)).toThrow(message);
  });
});
