import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectionString } from 'mongodb-connection-string-url';
import { compose, type ComposeModel, resolvedModel, TEST_SECRETS } from './support/compose';
import { all, commandForm, last, stageEnv } from './support/dockerfile';
import { imageFor, PINNED_IMAGE, REPO, stagesOf } from './support/paths';

/**
 * docker-compose.yml as Docker Compose itself reads it (v2, `docker-compose config`: the
 * compose-spec schema, interpolation, the model's consistency checks), then the resolved
 * model checked against what the topology needs.
 */
let model: ComposeModel;
beforeAll(() => {
  model = resolvedModel();
});

const BUILT = ['books-service', 'gateway', 'web', 'identity'];
const MONGO = ['mongo-1', 'mongo-2', 'mongo-3'];
const NATS = ['nats-1', 'nats-2', 'nats-3'];

it('is a valid Compose file by Docker Compose', () => {
  const result = compose(['config', '--quiet']);
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
});

it('is really checked: Compose rejects a broken copy of the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deploy-checks-'));
  const broken = join(dir, 'docker-compose.yml');
  writeFileSync(broken, readFileSync(join(REPO, 'docker-compose.yml'), 'utf8').replace('condition: service_healthy', 'condition: service_ready'));
  const result = compose(['config', '--quiet'], { file: broken });
  rmSync(dir, { recursive: true, force: true });
  expect(result.status).not.toBe(0);
  expect(result.stderr).toMatch(/condition/);
});

it('runs a MongoDB replica set, a NATS cluster, the books-service replicas, the identity provider, two gateways, web and jaeger', () => {
  expect(Object.keys(model.services).sort()).toEqual([
    'books-service',
    'gateway',
    'gateway-2',
    'identity',
    'jaeger',
    ...MONGO,
    ...NATS,
    'web',
  ]);
  // The second gateway is the first one again, under another name.
  const { environment, ...rest } = model.services['gateway'];
  expect(model.services['gateway-2']).toEqual(expect.objectContaining({ ...rest, environment }));
  expect(model.name).toBe('books-catalogue');
});

it('publishes web on ${WEB_PORT:-8080}, the identity provider on ${IDENTITY_PORT:-8081}, Jaeger on ${JAEGER_PORT:-16686}, and nothing else', () => {
  const published = Object.entries(model.services).filter(([, service]) => service.ports?.length);
  expect(published.map(([name]) => name).sort()).toEqual(['identity', 'jaeger', 'web']);
  expect(model.services['jaeger'].ports).toEqual([expect.objectContaining({ target: 16686, published: '16686', protocol: 'tcp' })]);
  expect(model.services['web'].ports).toEqual([expect.objectContaining({ target: 8080, published: '8080', protocol: 'tcp' })]);
  // Browsers sign in there: its issuer is the published address.
  expect(model.services['identity'].ports).toEqual([expect.objectContaining({ target: imageFor('identity').port, published: '8081', protocol: 'tcp' })]);
  expect(model.services['identity'].environment?.['ISSUER']).toBe('http://localhost:8081');
});

it('starts 3 books-service replicas that can be scaled: no container name, no published port', () => {
  const service = model.services['books-service'];
  expect(service.deploy?.replicas).toBe(3);
  for (const [name, each] of Object.entries(model.services)) expect([name, each.container_name]).toEqual([name, undefined]);
});

it('starts each service after what it needs is healthy', () => {
  const dependencies = Object.fromEntries(
    Object.entries(model.services).map(([name, service]) => [name, Object.keys(service.depends_on ?? {}).sort()]),
  );
  expect(dependencies).toEqual({
    ...Object.fromEntries([...MONGO, ...NATS].map((name) => [name, []])),
    // All of each cluster: the first start creates the event stream with a replica on every NATS node.
    'books-service': [...MONGO, ...NATS],
    identity: [],
    // The apps send spans when Jaeger is there and drop them when not: they do not wait for it.
    jaeger: [],
    gateway: ['books-service', 'identity', ...NATS],
    'gateway-2': ['books-service', 'identity', ...NATS],
    web: ['gateway', 'gateway-2'],
  });
  for (const service of Object.values(model.services)) {
    for (const dependency of Object.values(service.depends_on ?? {})) expect(dependency.condition).toBe('service_healthy');
  }
  // Nginx resolves the gateway once: it must restart with a recreated gateway.
  expect(model.services['web'].depends_on?.['gateway'].restart).toBe(true);
  expect(model.services['web'].depends_on?.['gateway-2'].restart).toBe(true);
});

it('has a health check for every service: in the file, or in the image it builds', () => {
  for (const [name, service] of Object.entries(model.services)) {
    expect([name, service.healthcheck?.disable ?? false]).toEqual([name, false]);
    expect([name, service.healthcheck?.interval]).toEqual([name, expect.stringMatching(/^\d+s$/)]);
    if (service.healthcheck?.test) {
      expect(service.healthcheck.test[0]).toMatch(/^CMD(-SHELL)?$/);
    } else {
      // Compose sends no test, so the engine keeps the image's HEALTHCHECK (and this file's timing).
      const image = name === 'gateway-2' ? 'gateway' : name;
      expect(BUILT).toContain(image);
      const healthcheck = last(stagesOf(imageFor(image)).at(-1)!, 'HEALTHCHECK');
      expect([name, healthcheck?.args]).toEqual([name, expect.stringMatching(/^CMD /)]);
    }
  }
});

it('restarts crashed services and gives each time to shut down', () => {
  for (const [name, service] of Object.entries(model.services)) {
    expect([name, service.restart]).toEqual([name, 'unless-stopped']);
    expect([name, service.logging?.driver]).toEqual([name, 'json-file']);
  }
  for (const name of [...MONGO, ...NATS, 'books-service', 'identity', 'gateway', 'gateway-2']) {
    expect([name, model.services[name].stop_grace_period]).toEqual([name, expect.stringMatching(/^\d+s$/)]);
  }
});

it('keeps each MongoDB member\'s and each NATS node\'s data in a volume of its own', () => {
  // mongo-1 keeps the single MongoDB's volume of earlier versions, so an upgrade keeps the catalogue.
  const dataVolumes = { 'mongo-1': 'mongo-data', 'mongo-2': 'mongo-2-data', 'mongo-3': 'mongo-3-data', 'nats-1': 'nats-1-data', 'nats-2': 'nats-2-data', 'nats-3': 'nats-3-data' };
  expect(Object.keys(model.volumes ?? {}).sort()).toEqual([...Object.values(dataVolumes), 'identity-keys'].sort());
  for (const [name, volume] of Object.entries(dataVolumes)) {
    const target = name.startsWith('mongo') ? '/data/db' : '/data';
    const volumes = model.services[name].volumes?.filter((mount) => mount.type === 'volume');
    expect([name, volumes]).toEqual([name, [expect.objectContaining({ source: volume, target })]]);
  }
  // The signing key is made on first start into its volume; users and clients are mounted read-only.
  expect(model.services['identity'].volumes).toEqual([
    expect.objectContaining({ type: 'bind', source: join(REPO, 'deploy', 'identity'), target: '/etc/identity', read_only: true }),
    expect.objectContaining({ type: 'volume', source: 'identity-keys', target: '/data' }),
  ]);
});

describe('the NATS cluster', () => {
  const flag = (node: string, name: string) => {
    const command = model.services[node].command ?? [];
    return command.includes(name) ? command[command.indexOf(name) + 1] : undefined;
  };
  // deploy/nats/nats.conf's cluster block: its name and the port routes come in on.
  const clusterConfig = () => {
    const config = readFileSync(join(REPO, 'deploy', 'nats', 'nats.conf'), 'utf8');
    const block = config.slice(config.search(/^cluster \{/m));
    return { name: /^\s+name: (\S+)$/m.exec(block)?.[1], port: /^\s+listen: [\d.]+:(\d+)$/m.exec(block)?.[1] };
  };

  it('runs three JetStream nodes from deploy/nats, each with its own name and store in its volume', () => {
    expect(NATS.map((node) => flag(node, '--server_name'))).toEqual(NATS);
    for (const node of NATS) {
      expect([node, model.services[node].command]).toEqual([node, expect.arrayContaining(['--jetstream'])]);
      expect([node, model.services[node].volumes]).toEqual([
        node,
        [
          expect.objectContaining({ type: 'volume', target: flag(node, '--store_dir') }),
          expect.objectContaining({ type: 'bind', source: join(REPO, 'deploy', 'nats'), target: '/etc/nats', read_only: true }),
        ],
      ]);
      // The health check asks the monitoring port that the command opens, and wants JetStream up.
      expect([node, model.services[node].healthcheck?.test?.join(' ')]).toEqual([node, expect.stringContaining(`127.0.0.1:${flag(node, '--http_port')}/healthz?js-enabled-only=true`)]);
    }
  });

  it('routes every node to all three, on the cluster port, logging in with the cluster password', () => {
    const { name, port } = clusterConfig();
    expect(name).toBe('books');
    for (const node of NATS) {
      const routes = flag(node, '--routes')!.split(',').map((route) => new URL(route));
      expect([node, routes.map((route) => route.host)]).toEqual([node, NATS.map((other) => `${other}:${port}`)]);
      for (const route of routes) expect([route.username, route.password]).toEqual(['route', TEST_SECRETS.NATS_CLUSTER_PASSWORD]);
    }
  });
});

describe('the MongoDB replica set', () => {
  it('runs three members of rs0, the set the books-service names', () => {
    const replicaSet = new ConnectionString(model.services['books-service'].environment!['MONGODB_URL']!).searchParams.get('replicaSet');
    for (const member of MONGO) {
      expect([member, model.services[member].command]).toEqual([member, ['mongod', '--replSet', replicaSet, '--bind_ip_all']]);
    }
  });

  it('is initiated by mongo-1\'s health check, with the script mounted from deploy/mongo', () => {
    // tests/deploy/src/mongo.spec.ts runs that script.
    expect(model.services['mongo-1'].healthcheck?.test).toEqual(['CMD', 'mongosh', '--quiet', '--norc', '--file', '/etc/mongo/replica-set.js']);
    expect(model.services['mongo-1'].volumes).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: 'bind', source: join(REPO, 'deploy', 'mongo'), target: '/etc/mongo', read_only: true })]),
    );
    for (const member of ['mongo-2', 'mongo-3']) {
      expect([member, model.services[member].healthcheck?.test]).toEqual([member, expect.arrayContaining(['mongosh', expect.stringContaining("adminCommand('ping')")])]);
    }
  });
});

it('pins the versions of the images it pulls', () => {
  for (const name of [...MONGO, ...NATS, 'jaeger']) {
    expect([name, model.services[name].image]).toEqual([name, expect.stringMatching(PINNED_IMAGE)]);
  }
  // One version in each cluster.
  expect(new Set(MONGO.map((name) => model.services[name].image)).size).toBe(1);
  expect(new Set(NATS.map((name) => model.services[name].image)).size).toBe(1);
});

it('builds each app from the repository with a Dockerfile that exists', () => {
  for (const name of BUILT) {
    const build = model.services[name].build!;
    expect([name, build.context]).toEqual([name, REPO]);
    expect([name, existsSync(join(build.context, build.dockerfile ?? 'Dockerfile'))]).toEqual([name, true]);
    expect(build.dockerfile).toBe(imageFor(name).dockerfile);
  }
});

it('wires the apps to every member of the replica set and every node of the NATS cluster', () => {
  const books = model.services['books-service'].environment ?? {};
  // Every node, so a client moves to another when its node goes.
  for (const app of ['books-service', 'gateway', 'gateway-2']) {
    expect([app, model.services[app].environment?.['NATS_URL']]).toEqual([app, NATS.map((name) => `nats://${name}:4222`).join(',')]);
  }
  expect(books['EVENTS_REPLICAS']).toBe(String(NATS.length));
  // Parsed as the driver parses it: the seed list names every member; writes wait for a majority.
  const mongoUrl = new ConnectionString(books['MONGODB_URL']!);
  expect(mongoUrl.hosts).toEqual(MONGO.map((name) => `${name}:27017`));
  expect(mongoUrl.pathname).toBe('/books');
  expect(Object.fromEntries(mongoUrl.searchParams)).toEqual({ replicaSet: 'rs0', w: 'majority', readPreference: 'primary' });
  // Nginx proxies to the gateway service on the port its image listens on.
  const web = stageEnv(stagesOf(imageFor('web')).at(-1)!);
  const gatewayRuntime = stagesOf(imageFor('gateway')).at(-1)!;
  expect(web['GATEWAY_ADDRESS']).toBe(`gateway:${stageEnv(gatewayRuntime)['PORT']}`);
  expect(web['SECOND_GATEWAY_ADDRESS']).toBe(`gateway-2:${stageEnv(gatewayRuntime)['PORT']}`);
  expect(all(gatewayRuntime, 'EXPOSE').map((expose) => expose.args)).toEqual([stageEnv(gatewayRuntime)['PORT']]);
});

it('passes the apps only settings their configuration knows', () => {
  // The names an app validates at start, from its config schema (`NAME: ...` keys).
  const known = (file: string) => new Set([...readFileSync(join(REPO, file), 'utf8').matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]));
  const checks = {
    'books-service': 'apps/books-service/src/config/books-service.config.ts',
    gateway: 'apps/gateway/src/config/gateway.config.ts',
    'gateway-2': 'apps/gateway/src/config/gateway.config.ts',
    identity: 'apps/identity/src/config/identity.config.ts',
  };
  for (const [service, file] of Object.entries(checks)) {
    const names = known(file);
    for (const variable of Object.keys(model.services[service].environment ?? {})) expect([service, variable, names.has(variable)]).toEqual([service, variable, true]);
  }
});

it('keeps the image health checks runnable: exec form, valid JSON', () => {
  for (const name of ['books-service', 'gateway', 'identity']) {
    const healthcheck = last(stagesOf(imageFor(name)).at(-1)!, 'HEALTHCHECK')!;
    expect(commandForm(healthcheck.args.replace(/^CMD\s+/, '')).exec).toBe(true);
  }
});

describe('settings', () => {
  const envExample = () =>
    Object.fromEntries(
      readFileSync(join(REPO, '.env.example'), 'utf8')
        .split('\n')
        .filter((line) => /^[A-Z_][A-Z0-9_]*=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );

  it('lists in .env.example exactly the variables the file reads, with their defaults', () => {
    const result = compose(['config', '--variables', '--format', 'json']);
    expect(result.status).toBe(0);
    const variables = JSON.parse(result.stdout) as Record<string, { DefaultValue: string; Required: boolean }>;
    const defaults = Object.fromEntries(Object.entries(variables).map(([name, variable]) => [name, variable.DefaultValue]));
    expect(envExample()).toEqual(defaults);
    // The NATS passwords and the cookie keys have no default: .env.example leaves them empty, which Compose refuses.
    expect(Object.keys(variables).filter((name) => variables[name].Required)).toEqual(Object.keys(TEST_SECRETS).sort());
  });

  it('refuses to start without the NATS passwords or the cookie keys, naming them', () => {
    for (const envFile of ['/dev/null', join(REPO, '.env.example')]) {
      const result = compose(['config', '--quiet'], { envFile, secrets: false });
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/NATS_(BOOKS_SERVICE|GATEWAY|CLUSTER)_PASSWORD|IDENTITY_COOKIE_KEYS/);
    }
    const { IDENTITY_COOKIE_KEYS: _cookieKeys, ...natsOnly } = TEST_SECRETS;
    const result = compose(['config', '--quiet'], { secrets: false, env: natsOnly });
    expect(result.stderr).toMatch(/IDENTITY_COOKIE_KEYS/);
  });

  it('runs the gateways against the identity provider: the issuer browsers see, the keys fetched inside', () => {
    for (const gateway of ['gateway', 'gateway-2']) {
      expect(model.services[gateway].environment).toEqual(
        expect.objectContaining({ AUTH: 'oidc', OIDC_ISSUER: model.services['identity'].environment?.['ISSUER'], OIDC_JWKS_URL: `http://identity:${imageFor('identity').port}/jwks`, OIDC_AUDIENCE: 'books-api' }),
      );
    }
    expect(model.services['identity'].environment).toEqual(expect.objectContaining({ IDENTITY_COOKIE_KEYS: TEST_SECRETS.IDENTITY_COOKIE_KEYS, IDENTITY_GENERATE_KEYS: 'true' }));
  });

  it('gives each app its own NATS user, the password from the environment, and the server both', () => {
    const { services } = model;
    expect(services['books-service'].environment).toEqual(
      expect.objectContaining({ NATS_USER: 'books-service', NATS_PASSWORD: TEST_SECRETS.NATS_BOOKS_SERVICE_PASSWORD }),
    );
    for (const gateway of ['gateway', 'gateway-2']) {
      expect(services[gateway].environment).toEqual(expect.objectContaining({ NATS_USER: 'gateway', NATS_PASSWORD: TEST_SECRETS.NATS_GATEWAY_PASSWORD }));
    }
    // Every node has the users' passwords and the cluster's, and runs deploy/nats/nats.conf.
    const { IDENTITY_COOKIE_KEYS: _cookieKeys, ...natsSecrets } = TEST_SECRETS;
    for (const node of NATS) {
      expect([node, services[node].environment]).toEqual([node, natsSecrets]);
      const command = services[node].command ?? [];
      expect([node, command[command.indexOf('--config') + 1]]).toEqual([node, '/etc/nats/nats.conf']);
    }
  });

  it("sends every app's traces to the jaeger service, at the sample ratio of the settings (1 % by default)", () => {
    for (const name of ['books-service', 'gateway', 'gateway-2']) {
      expect([name, model.services[name].environment]).toEqual([
        name,
        expect.objectContaining({ TRACING_SAMPLE_RATIO: '0.01', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318' }),
      ]);
    }
  });

  it('resolves .env.example to the same model as no settings at all', () => {
    expect(resolvedModel({ envFile: join(REPO, '.env.example') })).toEqual(model);
  });

  it('takes the web port and the replica count from the environment', () => {
    const custom = resolvedModel({ env: { WEB_PORT: '9090', BOOKS_SERVICE_REPLICAS: '5', SEED_BOOKS: 'false' } });
    expect(custom.services['web'].ports?.[0]).toEqual(expect.objectContaining({ target: 8080, published: '9090' }));
    expect(custom.services['books-service'].deploy?.replicas).toBe(5);
    expect(custom.services['books-service'].environment?.['SEED_BOOKS']).toBe('false');
  });
});
