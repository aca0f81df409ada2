import { ConfigError } from '@books/server-kit';
import { GatewayConfig } from './gateway.config';

describe(GatewayConfig.name, () => {
  it.each([
    ['PORT', ''],
    ['PORT', 'abc'],
    ['RATE_LIMIT_MAX', ''],
    ['RATE_LIMIT_MAX', 'none'],
    ['HOST', ''],
    ['READ_CACHE', ''],
    ['NATS_URL', ''],
  ])('stops on %s=%j, naming it, instead of a random port or no rate limit', (name, value) => {
    expect(() => new GatewayConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => new GatewayConfig({ [name]: value })).toThrow(new RegExp(`\\n {2}${name}: `));
  });

  it('turns rate limiting off only on an explicit 0', () => {
    expect(new GatewayConfig({ RATE_LIMIT_MAX: '0' }).RATE_LIMIT_MAX).toBe(0);
    expect(new GatewayConfig({}).RATE_LIMIT_MAX).toBe(1_200);
  });
});
