import { ConfigError } from '@books/server-kit';
import { GatewayConfig } from './gateway.config';

describe(GatewayConfig.name, () => {
  it('takes a NATS user and password together, and neither', () => {
    expect(new GatewayConfig({ NATS_USER: 'gateway', NATS_PASSWORD: 'secret' })).toMatchObject({ NATS_USER: 'gateway', NATS_PASSWORD: 'secret' });
    const anonymous = new GatewayConfig({});
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
