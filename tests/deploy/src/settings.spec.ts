// The apps' own lists of the settings they read, from their config schemas (the one place
// each setting is defined), not a copy kept here. Apps are no libraries to import by name;
// this test is the one place that reads into them.
/* eslint-disable @nx/enforce-module-boundaries */
import { BOOKS_SERVICE_SETTINGS } from '../../../apps/books-service/src/config/books-service.config';
import { GATEWAY_SETTINGS } from '../../../apps/gateway/src/config/gateway.config';
import { IDENTITY_SETTINGS } from '../../../apps/identity/src/config/identity.config';
/* eslint-enable @nx/enforce-module-boundaries */
import { type ComposeModel, resolvedModel } from './support/compose';
import { stageEnv } from './support/dockerfile';
import { environmentOf, type K8sObject, OVERLAYS, rendered } from './support/kubernetes';
import { imageFor, stagesOf } from './support/paths';

/**
 * One set of settings per app: every variable docker-compose.yml or a Kubernetes overlay sets
 * is one the app reads (a typo or a dead setting would be ignored in silence), and Compose and
 * Kubernetes set the same ones, but for the exceptions below, each with its reason.
 */

/** What web reads: the variables its image lets envsubst put into the Nginx config. */
const WEB_SETTINGS = /^\^\((.*)\)\$$/.exec(stageEnv(stagesOf(imageFor('web')).at(-1)!)['NGINX_ENVSUBST_FILTER'])![1].split('|');

interface App {
  reads: readonly string[];
  /** Its services in docker-compose.yml, and its Deployment in deploy/k8s (none: not deployed there). */
  compose: string[];
  kubernetes?: string;
  /** Set by one deployment only, and why. */
  composeOnly?: Record<string, string>;
  kubernetesOnly?: Record<string, string>;
}

const APPS: Record<string, App> = {
  gateway: {
    reads: GATEWAY_SETTINGS,
    compose: ['gateway', 'gateway-2'],
    kubernetes: 'gateway',
    composeOnly: {
      OIDC_JWKS_URL:
        'Compose runs apps/identity, whose issuer (the address browsers use) is not reachable from the gateways; in Kubernetes the installation\'s own provider is reachable at its issuer, and the keys URL comes from its discovery document',
    },
  },
  'books-service': { reads: BOOKS_SERVICE_SETTINGS, compose: ['books-service'], kubernetes: 'books-service' },
  web: {
    reads: WEB_SETTINGS,
    compose: ['web'],
    kubernetes: 'web',
    kubernetesOnly: {
      GATEWAY_ADDRESS: 'Compose uses the image default, gateway:3000; in Kubernetes both upstream entries are the gateway Service',
      SECOND_GATEWAY_ADDRESS: 'Compose uses the image default, gateway-2:3000; in Kubernetes both upstream entries are the gateway Service',
    },
  },
  // Optional in Kubernetes: an installation signs in with its own OpenID Connect provider.
  identity: { reads: IDENTITY_SETTINGS, compose: ['identity'] },
};

let model: ComposeModel;
let overlays: Record<string, K8sObject[]>;
beforeAll(() => {
  model = resolvedModel();
  overlays = Object.fromEntries(OVERLAYS.map((overlay) => [overlay, rendered(overlay)]));
});

const composeSets = (app: App) => [...new Set(app.compose.flatMap((service) => Object.keys(model.services[service].environment ?? {})))].sort();

describe.each(Object.entries(APPS))('%s', (name, app) => {
  it('is given only settings it reads, by docker-compose.yml and by every overlay', () => {
    const unknown = (names: string[]) => names.filter((setting) => !app.reads.includes(setting));
    expect(['docker-compose.yml', unknown(composeSets(app))]).toEqual(['docker-compose.yml', []]);
    if (!app.kubernetes) return;
    for (const overlay of OVERLAYS) {
      expect([overlay, unknown(environmentOf(overlays[overlay], app.kubernetes))]).toEqual([overlay, []]);
    }
  });

  it('is given the same settings by docker-compose.yml and Kubernetes, but for the listed exceptions', () => {
    if (!app.kubernetes) {
      expect(OVERLAYS.map((overlay) => overlays[overlay].some((object) => object.metadata.name === name))).not.toContain(true);
      return;
    }
    const withoutExceptions = (names: string[]) => names.filter((setting) => !(setting in { ...app.composeOnly, ...app.kubernetesOnly }));
    const compose = composeSets(app);
    for (const overlay of OVERLAYS) {
      const kubernetes = environmentOf(overlays[overlay], app.kubernetes);
      expect([overlay, withoutExceptions(kubernetes)]).toEqual([overlay, withoutExceptions(compose)]);
      // An exception that no longer is one goes from the list.
      for (const setting of Object.keys(app.composeOnly ?? {})) expect([setting, compose.includes(setting), kubernetes.includes(setting)]).toEqual([setting, true, false]);
      for (const setting of Object.keys(app.kubernetesOnly ?? {})) expect([setting, compose.includes(setting), kubernetes.includes(setting)]).toEqual([setting, false, true]);
    }
  });
});
