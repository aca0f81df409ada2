import { ConfigError } from '@books/server-kit';
import { loadStartSettings } from './settings';

describe(loadStartSettings.name, () => {
  it('defaults to the README topology', () => {
    expect(loadStartSettings({})).toEqual({ WEB_PORT: 8080, WEB_HOST: '127.0.0.1', SERVER_NAMES: 'localhost 127.0.0.1', GATEWAY_PORT: 3000, IDENTITY_PORT: 3100, REPLICAS: 3, NATS_NODES: 1, RESTART: true, TRACING_SAMPLE_RATIO: 0, JAEGER_PORT: 16686 });
  });

  it('passes a MongoDB seed list with credentials and options through unchanged', () => {
    const url = 'mongodb://books:s%40cret@db1:27017,db2,db3:27019/catalogue?replicaSet=rs0&authSource=admin&tls=true';
    expect(loadStartSettings({ MONGODB_URL: url, NATS_URL: 'nats://a:4222,nats://b:4222' })).toMatchObject({
      MONGODB_URL: url,
      NATS_URL: 'nats://a:4222,nats://b:4222',
    });
  });

  it('takes a NATS cluster size, but not together with servers to use instead', () => {
    expect(loadStartSettings({ NATS_NODES: '3' })).toMatchObject({ NATS_NODES: 3 });
    expect(() => loadStartSettings({ NATS_NODES: '3', NATS_URL: 'nats://a:4222' })).toThrow(/NATS_NODES: /);
  });

  it.each([
    ['REPLICAS', 'abc'],
    ['REPLICAS', ''],
    ['REPLICAS', '0'],
    ['REPLICAS', '2.5'],
    ['WEB_PORT', 'abc'],
    ['WEB_PORT', ''],
    ['WEB_PORT', '70000'],
    ['GATEWAY_PORT', ''],
    ['WEB_HOST', ''],
    ['NATS_URL', 'localhost:4222'],
    ['MONGODB_URL', ''],
    ['MONGODB_URL', 'db1:27017/books'],
    ['RESTART', 'maybe'],
    ['TRACING_SAMPLE_RATIO', '5'],
    ['NATS_NODES', '0'],
    ['NATS_NODES', '6'],
  ])('stops on %s=%j, naming it', (name, value) => {
    expect(() => loadStartSettings({ [name]: value })).toThrow(ConfigError);
    expect(() => loadStartSettings({ [name]: value })).toThrow(new RegExp(`^Invalid configuration:\\n {2}${name}: `));
  });
});
