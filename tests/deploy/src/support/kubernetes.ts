import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOOLS_DIR } from '@books/stack';
import { REPO } from './paths';

/** tools/k8s-validate, built by scripts/setup.sh (or any binary named by K8S_VALIDATE_BIN). */
export const K8S_VALIDATE_BIN = process.env['K8S_VALIDATE_BIN'] ?? join(TOOLS_DIR, 'bin', 'k8s-validate');
/** Helm, built by scripts/setup.sh (or any binary named by HELM_BIN). */
export const HELM_BIN = process.env['HELM_BIN'] ?? join(TOOLS_DIR, 'bin', 'helm');

export const K8S_DIR = join(REPO, 'deploy/k8s');
export const NATS_VALUES = join(K8S_DIR, 'nats/values.yaml');
/** The namespace the docs install into (docs/kubernetes.md). */
export const NAMESPACE = 'books-catalogue';

/** Every overlay in deploy/k8s/overlays: each one is what someone deploys. */
export const OVERLAYS = readdirSync(join(K8S_DIR, 'overlays')).sort();

export interface ValidatorResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the validator: `k8s-validate [-print] [-nats-values FILE] [-nats-rendered FILE|-] DIR...`, `input` on its standard input. */
export function validator(args: string[], input?: string): ValidatorResult {
  if (!existsSync(K8S_VALIDATE_BIN)) throw new Error(`${K8S_VALIDATE_BIN} is missing: run scripts/setup.sh (it builds tools/k8s-validate)`);
  const result = spawnSync(K8S_VALIDATE_BIN, args, { cwd: REPO, encoding: 'utf8', timeout: 30_000, input });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The NATS chart as it is installed (docs/kubernetes.md): `helm template nats <k8s>/nats/chart
 * -n books-catalogue -f <k8s>/nats/values.yaml`, as YAML. Throws if Helm is missing or fails.
 */
export function helmTemplate(k8sDir = K8S_DIR, release = 'nats'): string {
  if (!existsSync(HELM_BIN)) throw new Error(`${HELM_BIN} is missing: run scripts/setup.sh (it builds Helm)`);
  const result = spawnSync(HELM_BIN, ['template', release, join(k8sDir, 'nats/chart'), '-n', NAMESPACE, '-f', join(k8sDir, 'nats/values.yaml')], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 30_000,
    // Helm's own settings and caches are not needed to render a local chart: keep them out of $HOME.
    env: { PATH: process.env['PATH'], HELM_CONFIG_HOME: join(tmpdir(), 'helm-config'), HELM_CACHE_HOME: join(tmpdir(), 'helm-cache'), HELM_DATA_HOME: join(tmpdir(), 'helm-data') },
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`helm template failed:\n${result.stderr}`);
  return result.stdout;
}

let natsRendering: string | undefined;
/** deploy/k8s's NATS chart, rendered once. */
export function natsRendered(): string {
  natsRendering ??= helmTemplate();
  return natsRendering;
}

/** The parts of a Kubernetes object these tests read. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
}

/** An overlay's objects, rendered and checked by the validator (`kustomize build` as JSON), with the NATS chart beside them. */
export function rendered(overlay: string): K8sObject[] {
  const result = validator(['-print', '-nats-rendered', '-', join(K8S_DIR, 'overlays', overlay)], natsRendered());
  if (result.status !== 0) throw new Error(`k8s-validate failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as K8sObject[];
}

/** The NATS chart's objects, rendered by Helm with our values and checked by the validator. */
export function natsObjects(): K8sObject[] {
  const result = validator(['-print', '-nats-rendered', '-'], natsRendered());
  if (result.status !== 0) throw new Error(`k8s-validate failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as K8sObject[];
}

/**
 * The nats.conf the NATS servers run with (the chart's ConfigMap), and the environment their
 * container gives them, with test passwords for the Secret's keys.
 */
export function natsConf(objects = natsObjects()): { conf: string; env: Record<string, string> } {
  const statefulSet = find(objects, 'StatefulSet', 'nats');
  const container = statefulSet.spec.template.spec.containers.find((candidate: any) => candidate.name === 'nats');
  const configMap = statefulSet.spec.template.spec.volumes.find((volume: any) => volume.name === 'config').configMap.name;
  const conf = find(objects, 'ConfigMap', configMap).data?.['nats.conf'];
  if (!conf) throw new Error(`ConfigMap/${configMap} has no nats.conf`);
  const env: Record<string, string> = {};
  for (const variable of container.env ?? []) {
    if (variable.valueFrom?.fieldRef?.fieldPath === 'metadata.name') env[variable.name] = `${statefulSet.metadata.name}-0`;
    else if (variable.valueFrom?.secretKeyRef) env[variable.name] = `test-${variable.valueFrom.secretKeyRef.key}-password`;
    // Kubernetes expands $(NAME) from the variables before it.
    else env[variable.name] = String(variable.value ?? '').replace(/\$\((\w+)\)/g, (_, name: string) => env[name] ?? '');
  }
  return { conf, env };
}

export function find(objects: K8sObject[], kind: string, name: string): K8sObject {
  const object = objects.find((candidate) => candidate.kind === kind && candidate.metadata.name === name);
  if (!object) throw new Error(`No ${kind}/${name} in the rendered manifests`);
  return object;
}

/** The settings a Deployment's containers get from ConfigMaps (`envFrom`, names as rendered, with kustomize's hash). */
export function settingsOf(objects: K8sObject[], deployment: string): Record<string, string> {
  const containers: any[] = find(objects, 'Deployment', deployment).spec.template.spec.containers;
  const maps = containers.flatMap((container) => (container.envFrom ?? []).filter((source: any) => source.configMapRef));
  return Object.assign({}, ...maps.map((source: any) => find(objects, 'ConfigMap', source.configMapRef.name).data ?? {}));
}

/** Every environment variable a Deployment's containers get: from `env`, and from ConfigMaps. */
export function environmentOf(objects: K8sObject[], deployment: string): string[] {
  const containers: any[] = find(objects, 'Deployment', deployment).spec.template.spec.containers;
  const names = new Set([...containers.flatMap((container) => (container.env ?? []).map((variable: any) => variable.name as string)), ...Object.keys(settingsOf(objects, deployment))]);
  return [...names].sort();
}
