import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TOOLS_DIR } from '@books/stack';
import { REPO } from './paths';

/** tools/k8s-validate, built by scripts/setup.sh (or any binary named by K8S_VALIDATE_BIN). */
export const K8S_VALIDATE_BIN = process.env['K8S_VALIDATE_BIN'] ?? join(TOOLS_DIR, 'bin', 'k8s-validate');

export const K8S_DIR = join(REPO, 'deploy/k8s');
export const NATS_VALUES = join(K8S_DIR, 'nats/values.yaml');

/** Every overlay in deploy/k8s/overlays: each one is what someone deploys. */
export const OVERLAYS = readdirSync(join(K8S_DIR, 'overlays')).sort();

export interface ValidatorResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the validator: `k8s-validate [-print] [-nats-values FILE] DIR...`. */
export function validator(args: string[]): ValidatorResult {
  if (!existsSync(K8S_VALIDATE_BIN)) throw new Error(`${K8S_VALIDATE_BIN} is missing: run scripts/setup.sh (it builds tools/k8s-validate)`);
  const result = spawnSync(K8S_VALIDATE_BIN, args, { cwd: REPO, encoding: 'utf8', timeout: 30_000 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The parts of a Kubernetes object these tests read. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
}

/** An overlay's objects, rendered and checked by the validator (`kustomize build` as JSON). */
export function rendered(overlay: string): K8sObject[] {
  const result = validator(['-print', join(K8S_DIR, 'overlays', overlay)]);
  if (result.status !== 0) throw new Error(`k8s-validate failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as K8sObject[];
}

/** deploy/k8s/nats/values.yaml, checked by the validator, as JSON. */
export function natsValues(): any {
  const result = validator(['-print', '-nats-values', NATS_VALUES]);
  if (result.status !== 0) throw new Error(`k8s-validate failed:\n${result.stderr}`);
  return JSON.parse(result.stdout);
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
