import * as z from 'zod';
import { ConfigError, env, loadConfig } from './config';

const schema = z.object({
  PORT: env.port(3000),
  NATS_URL: env.url('nats://127.0.0.1:4222', /^nats:\/\/.+/),
  SEED: env.boolean(true),
});

/** The message loadConfig throws for this environment (fails the test if it does not throw). */
function configErrorFor(environment: NodeJS.ProcessEnv, against: z.ZodType = schema): string {
  let thrown: unknown;
  try {
    loadConfig(against, environment);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ConfigError);
  return (thrown as Error).message;
}

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
    expect(configErrorFor({ PORT: '70000', NATS_URL: 'http://x' })).toMatch(
      /^Invalid configuration:\n {2}PORT: .+\n {2}NATS_URL: must be a URL/,
    );
  });
});

describe('env', () => {
  const numbers = z.object({
    PORT: env.port(3000),
    TIMEOUT_MS: env.milliseconds(2_000),
    POOL: env.positiveInt(4),
    LIMIT: env.count(1_200),
    SEED: env.boolean(true),
    HOST: env.text('0.0.0.0'),
    RATIO: env.ratio(0),
  });

  it.each([
    ['PORT', ''],
    ['PORT', ' '],
    ['PORT', 'abc'],
    ['PORT', '80.5'],
    ['PORT', '0x50'],
    ['PORT', '1e3'],
    ['PORT', '-1'],
    ['TIMEOUT_MS', ''],
    ['TIMEOUT_MS', '0'],
    ['POOL', ''],
    ['POOL', '0'],
    ['LIMIT', ''],
    ['LIMIT', 'off'],
    ['SEED', ''],
    ['SEED', 'yes'],
    ['HOST', ''],
    ['RATIO', ''],
    ['RATIO', '.5'],
    ['RATIO', '1.5'],
    ['RATIO', '-0.1'],
    ['RATIO', '1e-2'],
    ['RATIO', '10%'],
  ])('stops on %s=%j, naming it, instead of taking a default or 0', (name, value) => {
    expect(configErrorFor({ [name]: value }, numbers)).toMatch(new RegExp(`^Invalid configuration:\\n {2}${name}: `));
  });

  it('says what it got', () => {
    expect(configErrorFor({ PORT: '' }, numbers)).toContain('PORT: must be a whole number, not ""');
    expect(configErrorFor({ SEED: 'yes' }, numbers)).toContain('SEED: must be true or false, not "yes"');
    expect(configErrorFor({ NATS_URL: 'nats://' })).toContain('NATS_URL: must be a URL matching');
  });

  it('takes well-formed values, 0 where 0 is allowed', () => {
    expect(loadConfig(numbers, { PORT: '0', TIMEOUT_MS: '1', POOL: '12', LIMIT: '0', SEED: '0', HOST: '::', RATIO: '0.01' })).toEqual({
      PORT: 0,
      TIMEOUT_MS: 1,
      POOL: 12,
      LIMIT: 0,
      SEED: false,
      HOST: '::',
      RATIO: 0.01,
    });
    expect(loadConfig(numbers, { RATIO: '1' })).toMatchObject({ RATIO: 1 });
  });

  describe('mongoUrl', () => {
    const database = z.object({ MONGODB_URL: env.mongoUrl('mongodb://127.0.0.1:27017/books') });

    it('passes a seed list with credentials and options through unchanged', () => {
      const url = 'mongodb://app:s%3Acret@db1:27017,db2:27017,db3:27017/books?replicaSet=rs0&authSource=admin&tls=true';
      expect(loadConfig(database, { MONGODB_URL: url })).toEqual({ MONGODB_URL: url });
      const srv = 'mongodb+srv://app:secret@cluster0.example.net/books?retryWrites=true&w=majority';
      expect(loadConfig(database, { MONGODB_URL: srv })).toEqual({ MONGODB_URL: srv });
    });

    it.each(['', 'http://db:27017/books', 'mongodb://', 'db:27017'])('stops on MONGODB_URL=%j', (value) => {
      expect(configErrorFor({ MONGODB_URL: value }, database)).toMatch(/^Invalid configuration:\n {2}MONGODB_URL: must be a MongoDB connection string/);
    });
  });
});
