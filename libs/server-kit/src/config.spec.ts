import * as z from 'zod';
import { ConfigError, env, loadConfig } from './config';

const schema = z.object({
  PORT: env.port(3000),
  NATS_URL: env.url('nats://127.0.0.1:4222', /^nats:\/\/.+/),
  SEED: env.boolean(true),
});

describe(loadConfig.name, () => {
  it('applies defaults that work locally', () => {
    expect(loadConfig(schema, {})).toEqual({ PORT: 3000, NATS_URL: 'nats://127.0.0.1:4222', SEED: true });
  });

  it('parses the text of environment variables', () => {
    expect(loadConfig(schema, { PORT: '8080', NATS_URL: 'nats://a:4222,nats://b:4222', SEED: 'false' })).toEqual({
      PORT: 8080,
      NATS_URL: 'nats://a:4222,nats://b:4222',
      SEED: false,
    });
  });

  it('names every bad variable in one readable error', () => {
    expect(() => loadConfig(schema, { PORT: 'eighty', NATS_URL: 'http://x', SEED: 'yes' })).toThrow(ConfigError);
    try {
      loadConfig(schema, { PORT: '70000', NATS_URL: 'http://x' });
    } catch (error) {
      expect((error as Error).message).toMatch(/^Invalid configuration:\n {2}PORT: .+\n {2}NATS_URL: must be a URL/);
    }
  });
});
