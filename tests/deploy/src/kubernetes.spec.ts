import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentOf, find, settingsOf, K8S_DIR, type K8sObject, NATS_VALUES, natsValues, OVERLAYS, rendered, validator } from './support/kubernetes';
import { REPO } from './support/paths';

/**
 * deploy/k8s through tools/k8s-validate: kustomize's own library renders each overlay as
 * `kubectl apply -k` would, every object is decoded strictly into its k8s.io/api type, and the
 * deployment rules are checked (probes, resources, restricted security, autoscalers, disruption
 * budgets, Services, NetworkPolicies). The NATS chart cannot be downloaded here, so of NATS
 * the values file is checked: what it merges into the chart's pods, and its users.
 */
describe('the validator', () => {
  it.each(OVERLAYS)('passes overlays/%s', (overlay) => {
    const result = validator([join(K8S_DIR, 'overlays', overlay)]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`overlays/${overlay}: valid`);
  });

  it('passes the NATS chart values', () => {
    const result = validator(['-nats-values', NATS_VALUES]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  // A copy of deploy/k8s with one mistake in one file, and what the validator must say about it.
  const mistakes: { mistake: string; file: string; from: string | RegExp; to: string; message: RegExp }[] = [
    {
      mistake: 'a probe removed',
      file: 'base/gateway.yaml',
      from: / {10}readinessProbe:\n(?: {12}.*\n)+/,
      to: '',
      message: /overlays\/production: Deployment\/gateway: container "gateway" has no readinessProbe/,
    },
    {
      mistake: 'a probe that asks a port the container does not have',
      file: 'base/books-service.yaml',
      from: 'port: health',
      to: 'port: heath',
      message: /Deployment\/books-service: container "books-service"'s startupProbe asks port heath, which the container does not expose/,
    },
    {
      mistake: 'an unknown field',
      file: 'base/web.yaml',
      from: '      enableServiceLinks: false',
      to: '      enableServiceLinks: false\n      restartPolicyy: Always',
      message: /Deployment\/web: strict decoding error: unknown field "spec\.template\.spec\.restartPolicyy"/,
    },
    {
      mistake: 'a mistyped field',
      file: 'base/books-service.yaml',
      from: 'maxUnavailable: 0',
      to: 'maxUnavailable: [0]',
      message: /Deployment\/books-service: .*maxUnavailable/,
    },
    {
      mistake: 'a name the API server refuses',
      file: 'base/books-service.yaml',
      from: 'kind: PodDisruptionBudget\nmetadata:\n  name: books-service',
      to: 'kind: PodDisruptionBudget\nmetadata:\n  name: books_service',
      message: /PodDisruptionBudget\/books_service: metadata\.name: Invalid value: "books_service"/,
    },
    {
      mistake: 'an autoscaler aimed at the wrong Deployment',
      file: 'base/books-service.yaml',
      from: '    kind: Deployment\n    name: books-service',
      to: '    kind: Deployment\n    name: book-service',
      message: /HorizontalPodAutoscaler\/books-service: scales apps\/v1 Deployment\/book-service, which is not in the manifests/,
    },
    {
      mistake: 'a disruption budget that selects nothing',
      file: 'base/web.yaml',
      from: /(kind: PodDisruptionBudget[\s\S]*app\.kubernetes\.io\/name: )web/,
      to: '$1website',
      message: /Deployment\/web: no PodDisruptionBudget selects its pods/,
    },
    {
      mistake: 'a root filesystem left writable',
      file: 'base/mongodb.yaml',
      from: 'readOnlyRootFilesystem: true',
      to: 'readOnlyRootFilesystem: false',
      message: /StatefulSet\/mongodb: container "mongod" has a writable root filesystem/,
    },
    {
      mistake: 'NATS opened to web',
      file: 'base/network-policies.yaml',
      from: '              app.kubernetes.io/name: books-service\n      ports:\n        - port: 4222',
      to: '              app.kubernetes.io/name: books-service\n        - podSelector:\n            matchLabels:\n              app.kubernetes.io/name: web\n      ports:\n        - port: 4222',
      message: /NetworkPolicy: nats is reachable from \[books-service gateway nats web\], want \[books-service gateway nats\]/,
    },
    {
      mistake: 'MongoDB opened to the gateway',
      file: 'base/network-policies.yaml',
      from: '              app.kubernetes.io/name: books-service\n        - podSelector:\n            matchLabels:\n              app.kubernetes.io/name: mongodb',
      to: '              app.kubernetes.io/name: books-service\n        - podSelector:\n            matchLabels:\n              app.kubernetes.io/name: gateway\n        - podSelector:\n            matchLabels:\n              app.kubernetes.io/name: mongodb',
      message: /NetworkPolicy: mongodb is reachable from \[books-service gateway mongodb mongodb-init\]/,
    },
    {
      mistake: 'the NATS servers allowed to run as root',
      file: 'nats/values.yaml',
      from: '        runAsNonRoot: true\n',
      to: '',
      message: /nats\/values\.yaml: StatefulSet\/nats: container "nats" may run as root/,
    },
  ];

  it.each(mistakes)('fails on $mistake, naming the object', ({ file, from, to, message }) => {
    const copy = mkdtempSync(join(tmpdir(), 'k8s-validate-'));
    try {
      cpSync(K8S_DIR, copy, { recursive: true });
      const original = readFileSync(join(copy, file), 'utf8');
      const broken = original.replace(from, to);
      expect(broken).not.toBe(original);
      writeFileSync(join(copy, file), broken);

      const result = validator(['-nats-values', join(copy, 'nats/values.yaml'), ...OVERLAYS.map((overlay) => join(copy, 'overlays', overlay))]);
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(message);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe('what the overlays deploy', () => {
  const range = (objects: K8sObject[], name: string) => {
    const { minReplicas, maxReplicas } = find(objects, 'HorizontalPodAutoscaler', name).spec;
    return [minReplicas, maxReplicas];
  };

  it('production: 2 or more gateways, 3 or more books-service replicas and 2 or more web, from the registry the overlay names', () => {
    const objects = rendered('production');
    expect(range(objects, 'gateway')).toEqual([2, 6]);
    expect(range(objects, 'books-service')).toEqual([3, 10]);
    expect(range(objects, 'web')).toEqual([2, 4]);
    const images = objects.filter((object) => object.kind === 'Deployment').map((object) => object.spec.template.spec.containers[0].image);
    expect(images.sort()).toEqual(['books-service', 'gateway', 'web'].map((app) => `registry.example.com/books-catalogue/${app}:0.1.0`));
    expect(new Set(objects.filter((object) => object.kind !== 'Namespace').map((object) => object.metadata.namespace))).toEqual(new Set(['books-catalogue']));
  });

  it('small: one of each app', () => {
    const objects = rendered('small');
    for (const app of ['gateway', 'books-service', 'web']) expect([app, ...range(objects, app)]).toEqual([app, 1, 2]);
  });

  it('commits no secret: the passwords and the MongoDB URL are Secrets the docs tell how to create', () => {
    const docs = readFileSync(join(REPO, 'docs/kubernetes.md'), 'utf8');
    const references = new Map<string, Set<string>>();
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(collect);
      else if (node && typeof node === 'object') {
        const { secretKeyRef } = node as { secretKeyRef?: { name: string; key: string } };
        if (secretKeyRef) references.set(secretKeyRef.name, (references.get(secretKeyRef.name) ?? new Set()).add(secretKeyRef.key));
        Object.values(node).forEach(collect);
      }
    };
    for (const overlay of OVERLAYS) {
      const objects = rendered(overlay);
      expect(objects.filter((object) => object.kind === 'Secret')).toEqual([]);
      collect(objects);
    }
    collect(natsValues());

    expect([...references.keys()].sort()).toEqual(['mongodb', 'nats-passwords']);
    for (const [secret, keys] of references) {
      // The command, with its continuation lines.
      const command = docs.match(new RegExp(String.raw`kubectl create secret generic ${secret} (?:.*\\\n)*.*`))?.[0] ?? '';
      for (const key of keys) expect([secret, key, command]).toEqual([secret, key, expect.stringContaining(`--from-literal=${key}=`)]);
    }
  });

  it('runs MongoDB as replica set rs0 of 3 members, and the documented URL names every one of them', () => {
    const objects = rendered('production');
    const mongodb = find(objects, 'StatefulSet', 'mongodb');
    expect(mongodb.spec.replicas).toBe(3);
    expect(mongodb.spec.template.spec.containers[0].command.join(' ')).toContain('--replSet rs0');
    expect(mongodb.spec.template.spec.containers[0].image).toBe('mongo:8.0.28');
    const members = [0, 1, 2].map((n) => `mongodb-${n}.mongodb:27017`);
    expect(readFileSync(join(REPO, 'docs/kubernetes.md'), 'utf8')).toContain(`mongodb://${members.join(',')}/books?replicaSet=rs0&w=majority&readPreference=primary`);
    // The init Job names the same members (its script builds them from 0, 1, 2).
    expect(find(objects, 'Job', 'mongodb-init').spec.template.spec.containers[0].command.join('\n')).toContain('[0, 1, 2].map((n) => ({ _id: n, host: `mongodb-${n}.mongodb:27017` }))');
  });

  it('gives both apps every NATS server, and the event stream a copy on each', () => {
    const objects = rendered('production');
    const values = natsValues();
    const servers = Array.from({ length: values.config.cluster.replicas }, (_, n) => `nats://nats-${n}.nats-headless:4222`).join(',');
    for (const app of ['gateway', 'books-service']) {
      expect([app, settingsOf(objects, app)['NATS_URL']]).toEqual([app, servers]);
      expect([app, environmentOf(objects, app)]).toEqual([app, expect.arrayContaining(['NATS_USER', 'NATS_PASSWORD'])]);
    }
    expect(Number(settingsOf(objects, 'books-service')['EVENTS_REPLICAS'])).toBe(values.config.cluster.replicas);
  });

  it('gives the NATS users the permissions docker-compose.yml\'s server has (deploy/nats/permissions.conf)', () => {
    // permissions.conf: NAME = { publish = { allow = [...] deny = [...] } subscribe = { ... } }
    const conf = readFileSync(join(REPO, 'deploy/nats/permissions.conf'), 'utf8').replace(/#.*$/gm, '');
    const block = (name: string) => conf.match(new RegExp(`${name} = \\{([\\s\\S]*?)\\n\\}`))?.[1] ?? '';
    const rules = (text: string) =>
      Object.fromEntries(
        [...text.matchAll(/(publish|subscribe) = \{([\s\S]*?)\n {2}\}/g)].map(([, direction, body]) => [
          direction,
          Object.fromEntries([...body.matchAll(/(allow|deny) = \[([\s\S]*?)\]/g)].map(([, kind, list]) => [kind, [...list.matchAll(/"([^"]+)"/g)].map((m) => m[1])])),
        ]),
      );
    const users = natsValues().config.merge.authorization.users as { user: string; password: string; permissions: unknown }[];
    expect(users.map(({ user, permissions }) => [user, permissions])).toEqual([
      ['books-service', rules(block('BOOKS_SERVICE_PERMISSIONS'))],
      ['gateway', rules(block('GATEWAY_PERMISSIONS'))],
    ]);
    // The passwords are environment variables, filled from the Secret.
    expect(users.map(({ password }) => password)).toEqual(['<< $NATS_BOOKS_SERVICE_PASSWORD >>', '<< $NATS_GATEWAY_PASSWORD >>']);
  });

  it('gives NATS a users block that nats-server accepts, which needs the passwords from the environment', () => {
    // The chart writes `config.merge` into nats.conf as JSON, with "<< ... >>" unquoted (its values.yaml says so).
    const conf = JSON.stringify({ authorization: natsValues().config.merge.authorization }, null, 2).replace(/"<< (.*?) >>"/g, '$1');
    const dir = mkdtempSync(join(tmpdir(), 'nats-conf-'));
    const natsServer = (env: Record<string, string>) =>
      spawnSync(process.env['NATS_SERVER_BIN'] ?? 'nats-server', ['-t', '-c', join(dir, 'nats.conf')], { encoding: 'utf8', env: { PATH: process.env['PATH'], ...env } });
    try {
      writeFileSync(join(dir, 'nats.conf'), conf);
      const accepted = natsServer({ NATS_BOOKS_SERVICE_PASSWORD: 'test-books-service-password', NATS_GATEWAY_PASSWORD: 'test-gateway-password' });
      expect(accepted.stderr + accepted.stdout).toMatch(/configuration file .* is valid/);
      expect(accepted.status).toBe(0);
      const refused = natsServer({ NATS_GATEWAY_PASSWORD: 'test-gateway-password' });
      expect(refused.status).not.toBe(0);
      expect(refused.stderr + refused.stdout).toMatch(/NATS_BOOKS_SERVICE_PASSWORD/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
