import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { environmentOf, find, helmTemplate, K8S_DIR, type K8sObject, NATS_VALUES, natsConf, natsObjects, natsRendered, OVERLAYS, rendered, settingsOf, validator } from './support/kubernetes';
import { REPO } from './support/paths';
import { natsServerBinary } from '@books/stack';

/**
 * deploy/k8s through tools/k8s-validate: kustomize's own library renders each overlay as
 * `kubectl apply -k` would, Helm renders the vendored NATS chart (deploy/k8s/nats/chart) with our
 * values as `helm install` would, every object is decoded strictly into its k8s.io/api type, and
 * the deployment rules are checked on each overlay with the NATS servers beside it (probes,
 * resources, restricted security, autoscalers, disruption budgets, Services, NetworkPolicies port
 * by port, the apps' NATS addresses, users and passwords). The servers' nats.conf is parsed by
 * nats-server's own parser in the validator, and run through `nats-server -t` here.
 */
describe('the validator', () => {
  it.each(OVERLAYS)('passes overlays/%s, with the NATS chart beside it', (overlay) => {
    const result = validator(['-nats-rendered', '-', join(K8S_DIR, 'overlays', overlay)], natsRendered());
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`overlays/${overlay}: valid`);
  });

  it('passes the NATS chart, rendered by Helm with our values, and the values, which use only the chart\'s keys', () => {
    const result = validator(['-nats-values', NATS_VALUES, '-nats-rendered', '-'], natsRendered());
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual([`${NATS_VALUES}: valid`, 'nats (helm template): valid']);
  });

  it('needs the NATS chart to check who reaches NATS', () => {
    const result = validator([join(K8S_DIR, 'overlays', OVERLAYS[0])]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/NetworkPolicy: no workload is named nats, so who reaches it cannot be checked/);
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
      message: /overlays\/production: NetworkPolicy: nats port 4222 \(nats\) is reachable from \[books-service gateway web\], want \[books-service gateway\]/,
    },
    {
      mistake: 'the NATS route port opened to the apps',
      file: 'base/network-policies.yaml',
      from: '        - port: 4222\n',
      to: '        - port: 4222\n        - port: 6222\n',
      message: /NetworkPolicy: nats port 6222 \(cluster\) is reachable from \[books-service gateway nats\], want \[nats\]/,
    },
    {
      mistake: 'MongoDB opened to the gateway',
      file: 'base/network-policies.yaml',
      from: '              app.kubernetes.io/name: books-service\n        - podSelector:\n            matchLabels:\n              app.kubernetes.io/name: mongodb',
      to: '              app.kubernetes.io/name: books-service\n        - podSelector:\n            matchLabels:\n              app.kubernetes.io/name: gateway\n        - podSelector:\n            matchLabels:\n              app.kubernetes.io/name: mongodb',
      message: /NetworkPolicy: mongodb port 27017 \(mongodb\) is reachable from \[books-service gateway mongodb mongodb-init\]/,
    },
    {
      mistake: 'a NATS NetworkPolicy whose selector no longer matches the rendered NATS pods',
      file: 'base/network-policies.yaml',
      from: /(kind: NetworkPolicy\nmetadata:\n {2}name: nats\nspec:\n {2}podSelector:\n {4}matchLabels:\n {6}app\.kubernetes\.io\/name: nats\n {6}app\.kubernetes\.io\/instance: )nats/,
      to: '$1books-nats',
      message: /NetworkPolicy: nats port 4222 \(nats\) is reachable from \[\], want \[books-service gateway\]/,
    },
    {
      mistake: 'the chart given another name (nameOverride), which renames and relabels its objects',
      file: 'nats/values.yaml',
      from: '\nconfig:\n',
      to: '\nnameOverride: messaging\n\nconfig:\n',
      message: /overlays\/production: NetworkPolicy: no workload is named nats[^\n]*\n[^\n]*Deployment\/gateway: container "gateway" has NATS_URL=nats:\/\/nats-0\.nats-headless:4222,.*, want every NATS server: nats:\/\/nats-messaging-0\.nats-messaging-headless:4222/,
    },
    {
      mistake: 'a misspelt values key, which Helm ignores',
      file: 'nats/values.yaml',
      from: '  jetstream:\n    enabled: true',
      to: '  jetstrem:\n    enabled: true',
      message: /nats\/values\.yaml: config\.jetstrem is not a value of the NATS chart \(chart\/values\.yaml\): Helm would ignore it/,
    },
    {
      mistake: 'the NATS servers allowed to run as root',
      file: 'nats/values.yaml',
      from: '        runAsNonRoot: true\n',
      to: '',
      message: /nats \(helm template\): StatefulSet\/nats: container "nats" may run as root/,
    },
    {
      mistake: 'the config reloader without resource limits',
      file: 'nats/values.yaml',
      from: /(reloader:\n {2}merge:\n {4}securityContext: \*restricted\n {4}resources:\n {6}requests:\n {8}cpu: 10m\n {8}memory: 32Mi\n) {6}limits:\n {8}cpu: 100m\n {8}memory: 64Mi\n/,
      to: '$1',
      message: /StatefulSet\/nats: container "reloader" needs both a request and a limit for cpu/,
    },
    {
      mistake: 'JetStream without file storage',
      file: 'nats/values.yaml',
      from: '    fileStore:\n      enabled: true',
      to: '    fileStore:\n      enabled: false',
      message: /StatefulSet\/nats: nats\.conf's JetStream has no store_dir: without file storage the event stream lives in memory/,
    },
    {
      mistake: 'JetStream storing on the pod\'s own disk instead of a volume claim',
      file: 'nats/values.yaml',
      from: '      pvc:\n        enabled: true',
      to: '      pvc:\n        enabled: false',
      message: /StatefulSet\/nats: JetStream stores in \/data, which is not on a volumeClaimTemplate/,
    },
    {
      mistake: 'one NATS server, which cannot hold the stream\'s 3 replicas',
      file: 'nats/values.yaml',
      from: '  cluster:\n    enabled: true',
      to: '  cluster:\n    enabled: false',
      message: /overlays\/production: Deployment\/books-service: container "books-service" asks EVENTS_REPLICAS=3 copies of the event stream, but NATS runs 1 server/,
    },
    {
      mistake: 'more NATS servers than the apps are given',
      file: 'nats/values.yaml',
      from: '    replicas: 3',
      to: '    replicas: 5',
      message: /Deployment\/gateway: container "gateway" has NATS_URL=nats:\/\/nats-0\.nats-headless:4222,nats:\/\/nats-1\.nats-headless:4222,nats:\/\/nats-2\.nats-headless:4222, want every NATS server: .*nats-4\.nats-headless:4222/,
    },
    {
      mistake: 'a NATS user given another app\'s password',
      file: 'nats/values.yaml',
      from: 'password: << $NATS_GATEWAY_PASSWORD >>',
      to: 'password: << $NATS_BOOKS_SERVICE_PASSWORD >>',
      message: /Deployment\/gateway: container "gateway" has the NATS_PASSWORD of Secret key "nats-passwords\/gateway", but the NATS servers give user "gateway" the password \$NATS_BOOKS_SERVICE_PASSWORD of Secret key "nats-passwords\/books-service"/,
    },
    {
      mistake: 'a password variable the NATS container does not set',
      file: 'nats/values.yaml',
      from: '    NATS_GATEWAY_PASSWORD:\n',
      to: '    NATS_GATEWAY_PASWORD:\n',
      message: /StatefulSet\/nats: nats\.conf: line \d+ uses \$NATS_GATEWAY_PASSWORD, which is not an environment variable of container "nats"/,
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

      // As the test command checks deploy/k8s: the copy's chart rendered with the copy's values.
      const args = ['-nats-values', join(copy, 'nats/values.yaml'), '-nats-rendered', '-', ...OVERLAYS.map((overlay) => join(copy, 'overlays', overlay))];
      const result = validator(args, helmTemplate(copy));
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
    const nats = natsObjects();
    expect(nats.filter((object) => object.kind === 'Secret')).toEqual([]);
    collect(nats);

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

  it('runs three NATS servers from the chart, each with JetStream on a volume of its own, on the image docker-compose.yml runs', () => {
    const objects = natsObjects();
    const nats = find(objects, 'StatefulSet', 'nats');
    expect(nats.spec.replicas).toBe(3);
    expect(nats.spec.volumeClaimTemplates.map((claim: any) => [claim.metadata.name, claim.spec.resources.requests.storage])).toEqual([['nats-js', '10Gi']]);
    const container = nats.spec.template.spec.containers.find((candidate: any) => candidate.name === 'nats');
    expect(container.volumeMounts).toContainEqual({ name: 'nats-js', mountPath: '/data' });
    const compose = readFileSync(join(REPO, 'docker-compose.yml'), 'utf8');
    expect(compose).toContain(`image: ${container.image}\n`);
    // The chart's objects, and nothing else: no nats-box, no test pod.
    expect(objects.map((object) => `${object.kind}/${object.metadata.name}`).sort()).toEqual([
      'ConfigMap/nats-config',
      'PodDisruptionBudget/nats',
      'Service/nats',
      'Service/nats-headless',
      'StatefulSet/nats',
    ]);
  });

  it('gives both apps every NATS server, and the event stream a copy on each', () => {
    const objects = rendered('production');
    const replicas: number = find(natsObjects(), 'StatefulSet', 'nats').spec.replicas;
    const servers = Array.from({ length: replicas }, (_, n) => `nats://nats-${n}.nats-headless:4222`).join(',');
    for (const app of ['gateway', 'books-service']) {
      expect([app, settingsOf(objects, app)['NATS_URL']]).toEqual([app, servers]);
      expect([app, environmentOf(objects, app)]).toEqual([app, expect.arrayContaining(['NATS_USER', 'NATS_PASSWORD'])]);
    }
    expect(Number(settingsOf(objects, 'books-service')['EVENTS_REPLICAS'])).toBe(replicas);
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
    // The chart writes nats.conf as JSON, but with the values' `<< ... >>` unquoted ($NAME, a
    // variable nats-server fills from the environment; sizes such as 10Gi). Quoted here to read it as JSON.
    const rendered = JSON.parse(natsConf().conf.replace(/: ([$\w]+)(,?)$/gm, (line, value: string, comma: string) => (/^(\d+|true|false|null)$/.test(value) ? line : `: "${value}"${comma}`)));
    const users = rendered.authorization.users as { user: string; password: string; permissions: unknown }[];
    expect(users.map(({ user, permissions }) => [user, permissions])).toEqual([
      ['books-service', rules(block('BOOKS_SERVICE_PERMISSIONS'))],
      ['gateway', rules(block('GATEWAY_PERMISSIONS'))],
    ]);
    // The passwords are environment variables, filled from the Secret.
    expect(users.map(({ password }) => password)).toEqual(['$NATS_BOOKS_SERVICE_PASSWORD', '$NATS_GATEWAY_PASSWORD']);
  });

  describe('the rendered nats.conf, whole, through nats-server -t', () => {
    const check = (conf: string, env: Record<string, string>) => {
      const dir = mkdtempSync(join(tmpdir(), 'nats-conf-'));
      try {
        writeFileSync(join(dir, 'nats.conf'), conf);
        const result = spawnSync(natsServerBinary(), ['-t', '-c', join(dir, 'nats.conf')], { encoding: 'utf8', env: { PATH: process.env['PATH'], ...env } });
        if (result.error) throw result.error;
        return { status: result.status, output: result.stderr + result.stdout };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };

    it('is valid with the environment the chart gives the server (the passwords from the Secret)', () => {
      const { conf, env } = natsConf();
      expect(Object.keys(env).sort()).toEqual(['GOMEMLIMIT', 'NATS_BOOKS_SERVICE_PASSWORD', 'NATS_GATEWAY_PASSWORD', 'POD_NAME', 'SERVER_NAME']);
      expect(env['SERVER_NAME']).toBe('nats-0');
      const result = check(conf, env);
      expect(result.output).toMatch(/configuration file .* is valid/);
      expect(result.status).toBe(0);
    });

    it('refuses to start without a password, naming it', () => {
      const { conf, env } = natsConf();
      const { NATS_BOOKS_SERVICE_PASSWORD: _, ...withoutOne } = env;
      const result = check(conf, withoutOne);
      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(/NATS_BOOKS_SERVICE_PASSWORD/);
    });

    it('refuses a setting nats-server does not know, put into nats.conf through the values\' merge', () => {
      // The validator lets `merge` through to where it lands; nats-server is the judge of nats.conf.
      const copy = mkdtempSync(join(tmpdir(), 'k8s-validate-'));
      try {
        cpSync(K8S_DIR, copy, { recursive: true });
        const values = readFileSync(join(copy, 'nats/values.yaml'), 'utf8');
        const broken = values.replace('  merge:\n    authorization:\n', '  merge:\n    max_paylod: << 2MB >>\n    authorization:\n');
        expect(broken).not.toBe(values);
        writeFileSync(join(copy, 'nats/values.yaml'), broken);
        const { conf, env } = natsConf(JSON.parse(validator(['-print', '-nats-rendered', '-'], helmTemplate(copy)).stdout));
        const result = check(conf, env);
        expect(result.status).not.toBe(0);
        expect(result.output).toMatch(/unknown field "max_paylod"/);
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    });
  });
});
