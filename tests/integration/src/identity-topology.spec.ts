import { Topology } from '@books/stack';
import { jwtPayload, signIn } from './support/oidc';

/** `Topology.start({ identity: true })`: the IdP first, then gateways told to check its tokens. */
let topology: Topology;

beforeAll(async () => {
  topology = await Topology.start({ name: 'identity-topology', replicas: 1, webPort: 0, identity: true });
}, 120_000);
afterAll(async () => {
  await topology?.stop();
});

it('starts the IdP and runs the gateways with AUTH=oidc against it', async () => {
  const identity = topology.identity!;
  expect(identity.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(topology.gateway.process.spec.env).toMatchObject({ AUTH: 'oidc', OIDC_ISSUER: identity.issuer, OIDC_AUDIENCE: 'books-api' });
  // The web client's redirect URI is the Nginx origin, chosen before Nginx started.
  expect(identity.clients['books-web'].redirect_uris).toEqual([`${topology.web!.url}/`]);
  const { editor } = identity.users;
  const tokens = await signIn(identity, editor.username, editor.password);
  expect(jwtPayload(tokens.accessToken)).toMatchObject({ iss: identity.issuer, aud: 'books-api', roles: ['editor'] });
});

it('leaves gateways at AUTH=off without it', async () => {
  const plain = await Topology.start({ name: 'identity-topology-off', replicas: 1 });
  try {
    expect(plain.identity).toBeUndefined();
    expect(plain.gateway.process.spec.env).toMatchObject({ AUTH: 'off' });
    expect(plain.gateway.process.spec.env?.['OIDC_ISSUER']).toBeUndefined();
  } finally {
    await plain.stop();
  }
}, 120_000);
