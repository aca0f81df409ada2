import { type JWK, SignJWT, UnsecuredJWT, exportJWK, generateKeyPair, importJWK } from 'jose';
import { type HttpApp, type IdentityServer, Topology, startGateway, waitFor } from '@books/stack';
import { type ApiRequest, apiClient } from './support/http';
import { clientCredentials, signIn } from './support/oidc';
import { SseClient } from './support/sse';

/**
 * Sign-in end to end: the real identity provider (apps/identity), tokens it issues through the
 * real login page (authorization code + PKCE) or client credentials, and the gateway checking
 * them against the keys the provider publishes. Crafted tokens are signed with the provider's
 * own private key, so only the claim under test is wrong.
 */
let topology: Topology;
let identity: IdentityServer;
const api = apiClient(() => topology.baseUrl);
const tokens: Record<'editor' | 'reader' | 'admin' | 'program', string> = { editor: '', reader: '', admin: '', program: '' };

const as = (token: string, request: ApiRequest = {}): ApiRequest => ({ ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } });

beforeAll(async () => {
  topology = await Topology.start({
    name: 'auth',
    replicas: 1,
    identity: true,
    // Short key-cache times so that a rotation shows within the test; production keeps minutes.
    gatewayEnv: { RATE_LIMIT_MAX: '0', OIDC_JWKS_CACHE_MAX_AGE_MS: '1500', OIDC_JWKS_COOLDOWN_MS: '200' },
  });
  identity = topology.identity!;
  for (const user of ['editor', 'reader', 'admin'] as const) tokens[user] = (await signIn(identity, user, identity.users[user].password)).accessToken;
  const cli = identity.clients['books-cli'];
  tokens.program = (await clientCredentials(identity, cli.client_id, cli.client_secret!)).accessToken;
});
afterAll(() => topology?.stop());

async function createAs(token: string, title = 'Signed In'): Promise<{ id: string; version: number }> {
  const created = await api('/books', as(token, { method: 'POST', json: { title, author: 'Tester' } }));
  expect(created.status).toBe(201);
  return created.body;
}

function expectUnauthorized(response: { status: number; headers: Headers; body: any }, error?: 'invalid_token'): void {
  expect(response.status).toBe(401);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ type: 'urn:books-catalogue:problem:unauthorized', status: 401 });
  const challenge = response.headers.get('www-authenticate') ?? '';
  expect(challenge).toMatch(/^Bearer realm="books"/);
  if (error) expect(challenge).toContain(`error="${error}"`);
  expect(JSON.stringify(response.body)).not.toMatch(/eyJ|stack|at \w+ \(/);
}

describe('who may do what', () => {
  it('lets anyone read: lists, books, history, export and the event stream', async () => {
    const book = await createAs(tokens.editor, 'Public Reading');
    for (const path of ['/books?limit=3', `/books/${book.id}`, `/books/${book.id}/history`, '/books/export?format=ndjson']) {
      expect([path, (await api(path)).status]).toEqual([path, 200]);
    }
    const events = new SseClient(`${topology.baseUrl}/books/events`);
    expect((await events.opened).status).toBe(200);
    events.close();
  });

  it('answers every write without a token with 401 and a Bearer challenge', async () => {
    const book = await createAs(tokens.editor, 'Untouchable');
    const writes: Array<[string, ApiRequest]> = [
      ['/books', { method: 'POST', json: { title: 'Anonymous', author: 'Nobody' } }],
      [`/books/${book.id}`, { method: 'PUT', json: { title: 'Anonymous', author: 'Nobody' }, headers: { 'if-match': '"1"' } }],
      [`/books/${book.id}`, { method: 'PATCH', json: { score: 1 } }],
      [`/books/${book.id}`, { method: 'DELETE' }],
      [`/books/${book.id}/restore`, { method: 'POST', headers: { 'if-match': '"1"' } }],
      ['/books/import', { method: 'POST', raw: '{"title":"Anonymous","author":"Nobody"}\n', headers: { 'content-type': 'application/x-ndjson' } }],
    ];
    for (const [path, request] of writes) expectUnauthorized(await api(path, request));
    expect((await api(`/books/${book.id}`)).body).toMatchObject({ title: 'Untouchable', version: 1 });
  });

  it('answers a reader who writes with 403 insufficient_scope, and changes nothing', async () => {
    const book = await createAs(tokens.editor, 'Read Only');
    for (const [path, request] of [
      ['/books', { method: 'POST', json: { title: 'By A Reader', author: 'Reader' } }],
      [`/books/${book.id}`, { method: 'PATCH', json: { score: 2 } }],
      [`/books/${book.id}`, { method: 'DELETE' }],
    ] as Array<[string, ApiRequest]>) {
      const response = await api(path, as(tokens.reader, request));
      expect([path, request.method, response.status]).toEqual([path, request.method, 403]);
      expect(response.body).toMatchObject({ type: 'urn:books-catalogue:problem:forbidden', status: 403 });
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="books".*error="insufficient_scope"/);
    }
    expect((await api(`/books/${book.id}`)).body).toMatchObject({ title: 'Read Only', version: 1 });
    expect((await api('/books?q=By%20A%20Reader')).body.items).toEqual([]);
  });

  it('lets an editor create, update and delete, but only an admin import', async () => {
    const book = await createAs(tokens.editor, 'Edited');
    const patched = await api(`/books/${book.id}`, as(tokens.editor, { method: 'PATCH', json: { score: 4 }, headers: { 'if-match': '"1"' } }));
    expect(patched.status).toBe(200);
    expect((await api(`/books/${book.id}`, as(tokens.editor, { method: 'DELETE' }))).status).toBe(204);

    const file = { raw: '{"title":"Imported By Admin","author":"Importer"}\n', headers: { 'content-type': 'application/x-ndjson' } };
    expect((await api('/books/import', as(tokens.editor, { method: 'POST', ...file }))).status).toBe(403);
    const imported = await api('/books/import', as(tokens.admin, { method: 'POST', ...file }));
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ created: 1 });
  });

  it('lets a program with client credentials write as itself', async () => {
    const book = await createAs(tokens.program, 'Written By A Program');
    expect((await api(`/books/${book.id}/history`)).body.items[0].actor).toEqual({ name: expect.any(String), kind: 'client' });
  });
});

describe('with READS_REQUIRE_SIGN_IN', () => {
  let closed: HttpApp;
  const closedApi = apiClient(() => `${closed.url}/api`);

  beforeAll(async () => {
    closed = await startGateway({
      name: 'gateway-closed',
      natsUrl: topology.natsUrl,
      logDir: topology.logDir,
      env: { ...topology.natsEnv('gateway'), ...topology.identityEnv(), RATE_LIMIT_MAX: '0', READS_REQUIRE_SIGN_IN: 'true' },
    });
  });
  afterAll(() => closed?.process.stop());

  it('answers every read without a token with 401, and with any signed-in caller’s token', async () => {
    const book = await createAs(tokens.editor, 'Members Only');
    const reads = ['/books?limit=3', `/books/${book.id}`, `/books/${book.id}/history`, '/books/export?format=ndjson'];
    for (const path of reads) expectUnauthorized(await closedApi(path));
    for (const path of reads) expect([path, (await closedApi(path, as(tokens.reader))).status]).toEqual([path, 200]);
    const anonymous = new SseClient(`${closed.url}/api/books/events`);
    expect((await anonymous.opened).status).toBe(401);
    anonymous.close();
    const member = new SseClient(`${closed.url}/api/books/events`, { authorization: `Bearer ${tokens.reader}` });
    expect((await member.opened).status).toBe(200);
    member.close();
    // The web app learns it must sign in first; health and the sign-in settings stay open.
    expect((await closedApi('/auth/config')).status).toBe(200);
    expect((await closedApi('/health/live')).status).toBe(200);
  });
});

describe('who changed what', () => {
  it('names the editor in the event and in the history; only an admin sees the subject', async () => {
    const events = new SseClient(`${topology.baseUrl}/books/events`);
    await events.opened;
    const book = await createAs(tokens.editor, 'Signed Change');
    const [message] = await events.take(1);
    events.close();
    const event = JSON.parse(message.data);
    expect(event).toMatchObject({ bookId: book.id, actor: { name: identity.users.editor.name, kind: 'user' } });
    expect(JSON.stringify(event)).not.toContain(identity.users.editor.subject);

    const publicView = (await api(`/books/${book.id}/history`)).body.items[0];
    expect(publicView.actor).toEqual({ name: identity.users.editor.name, kind: 'user' });
    const adminView = (await api(`/books/${book.id}/history`, as(tokens.admin))).body.items[0];
    expect(adminView.actor).toEqual({ name: identity.users.editor.name, kind: 'user', subject: identity.users.editor.subject });
  });

  it('keeps one caller’s Idempotency-Key apart from another’s', async () => {
    const request = (title: string) => ({ method: 'POST', json: { title, author: 'Keyed' }, headers: { 'idempotency-key': 'same-key-for-both' } });
    const mine = await api('/books', as(tokens.editor, request('Mine')));
    const again = await api('/books', as(tokens.editor, request('Mine')));
    const theirs = await api('/books', as(tokens.admin, request('Theirs')));
    expect([mine.status, again.status, theirs.status]).toEqual([201, 201, 201]);
    expect(again.body.id).toBe(mine.body.id);
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(theirs.body.title).toBe('Theirs');
  });
});

describe('tokens the gateway refuses', () => {
  const now = () => Math.floor(Date.now() / 1000);

  async function signed(claims: Record<string, unknown>, key: JWK & { kid?: string; alg?: string } = identity.keys[0]): Promise<string> {
    const alg = key.alg ?? 'ES256';
    return new SignJWT({ name: 'Mallory', roles: ['admin', 'editor'], ...claims })
      .setProtectedHeader({ alg, kid: key.kid, typ: 'at+jwt' })
      .setSubject('mallory')
      .setIssuer((claims['iss'] as string) ?? identity.issuer)
      .setAudience((claims['aud'] as string) ?? 'books-api')
      .setIssuedAt()
      .setExpirationTime((claims['exp'] as number) ?? now() + 300)
      .sign(await importJWK(key, alg));
  }

  it('accepts a token crafted right with the provider’s key (the cases below differ in one thing)', async () => {
    expect((await api('/books', as(await signed({}), { method: 'POST', json: { title: 'Well Signed', author: 'Mallory' } }))).status).toBe(201);
  });

  it.each([
    ['expired', async () => signed({ exp: now() - 60 })],
    ['not yet valid', async () => signed({ nbf: now() + 120 })],
    ['for another audience', async () => signed({ aud: 'another-api' })],
    ['from another issuer', async () => signed({ iss: 'https://issuer.example' })],
    ['signed by another key under the provider’s key id', async () => {
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      return signed({}, { ...(await exportJWK(privateKey)), kid: identity.keys[0].kid, alg: 'ES256' });
    }],
    ['unsigned (alg: none)', async () => new UnsecuredJWT({ sub: 'mallory', roles: ['admin'] }).setIssuer(identity.issuer).setAudience('books-api').setExpirationTime('5m').encode()],
    ['HMAC-signed with the provider’s public key as the secret', async () => {
      const publicJwk = JSON.stringify((await (await fetch(`${identity.issuer}/jwks`)).json()).keys[0]);
      return new SignJWT({ roles: ['admin'] })
        .setProtectedHeader({ alg: 'HS256', kid: identity.keys[0].kid })
        .setSubject('mallory').setIssuer(identity.issuer).setAudience('books-api').setExpirationTime('5m')
        .sign(new TextEncoder().encode(publicJwk));
    }],
    ['not a JWT at all', async () => 'not-a-token'],
  ])('refuses a token %s with 401 invalid_token', async (_what, make) => {
    const response = await api('/books', as(await make(), { method: 'POST', json: { title: 'Forged', author: 'Mallory' } }));
    expectUnauthorized(response, 'invalid_token');
    expect((await api('/books?q=Forged')).body.items).toEqual([]);
  });

  it('picks up a rotated key without a restart, and refuses the key that was rotated out', async () => {
    const oldKey = identity.keys[0];
    const oldToken = await signed({});
    expect((await api('/books', as(oldToken, { method: 'POST', json: { title: 'Old Key', author: 'Rotation' } }))).status).toBe(201);

    // A new key signs; the old one is still published for tokens already out.
    const newKey = await identity.rotateKeys();
    const fresh = (await signIn(identity, 'editor', identity.users.editor.password)).accessToken;
    expect(JSON.parse(Buffer.from(fresh.split('.')[0], 'base64url').toString()).kid).toBe(newKey.kid);
    expect((await api('/books', as(fresh, { method: 'POST', json: { title: 'New Key', author: 'Rotation' } }))).status).toBe(201);
    expect((await api('/books', as(oldToken, { method: 'POST', json: { title: 'Old Key Still', author: 'Rotation' } }))).status).toBe(201);

    // The old key is withdrawn: once the gateway's copy of the key set is stale, its tokens fail.
    await identity.rotateKeys({ dropOld: true });
    expect(identity.keys.map((key) => key.kid)).not.toContain(oldKey.kid);
    await waitFor('the gateway to refuse the withdrawn key', async () => {
      const response = await api('/books', as(oldToken, { method: 'POST', json: { title: 'Withdrawn Key', author: 'Rotation' } }));
      return response.status === 401;
    });
  });
});

describe('the identity provider down', () => {
  it('keeps reads and writes with valid tokens working; new sign-ins fail', async () => {
    const editor = (await signIn(identity, 'editor', identity.users.editor.password)).accessToken;
    expect((await api('/books', as(editor, { method: 'POST', json: { title: 'Before The Outage', author: 'Ops' } }))).status).toBe(201);
    await identity.process.stop();
    try {
      expect((await api('/books?limit=5')).status).toBe(200);
      const created = await api('/books', as(editor, { method: 'POST', json: { title: 'During The Outage', author: 'Ops' } }));
      expect(created.status).toBe(201);
      await expect(signIn(identity, 'editor', identity.users.editor.password)).rejects.toThrow();
      // The web app is told where sign-in lives even now; it reports the provider unreachable itself.
      expect((await api('/auth/config')).body).toMatchObject({ enabled: true, issuer: identity.issuer });
    } finally {
      await identity.process.start();
    }
    expect((await signIn(identity, 'reader', identity.users.reader.password)).accessToken).toEqual(expect.any(String));
  });
});
