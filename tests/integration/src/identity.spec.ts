import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTIFACTS_DIR, type IdentityServer, startIdentity } from '@books/stack';
import { clientCredentials, CookieJar, discovery, jwtPayload, refresh, signIn, SignInRefused, signOut, verifyJwt } from './support/oidc';

/**
 * The identity provider (apps/identity) on its own: discovery, sign-in with the code flow and
 * PKCE through its login page, client credentials, refresh tokens, and key rotation.
 */
let identity: IdentityServer;
let dataDir: string;
const redirectUri = 'http://127.0.0.1:4200/';

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'books-identity-'));
  identity = await startIdentity({ dataDir, logDir: join(ARTIFACTS_DIR, 'logs', 'identity'), webRedirectUris: [redirectUri] });
});
afterAll(async () => {
  await identity?.process.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const verify = async (token: string) => {
  const { header, payload } = await verifyJwt(identity, token);
  expect(payload).toMatchObject({ iss: identity.issuer, aud: 'books-api' });
  return { protectedHeader: header, payload };
};

it('publishes its discovery document with code+PKCE, refresh and client credentials', async () => {
  const document = (await discovery(identity)) as unknown as Record<string, any>;
  expect(document).toMatchObject({ issuer: identity.issuer, jwks_uri: `${identity.issuer}/jwks` });
  expect(document['code_challenge_methods_supported']).toEqual(['S256']);
  expect(document['grant_types_supported']).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token', 'client_credentials']));
  expect(document['scopes_supported']).toEqual(expect.arrayContaining(['openid', 'profile', 'roles', 'offline_access']));
  expect(document['end_session_endpoint']).toBe(`${identity.issuer}/session/end`);
});

it('signs an editor in and gives a JWT access token for the books API with name and roles', async () => {
  const { editor } = identity.users;
  const tokens = await signIn(identity, editor.username, editor.password, { clientId: 'books-web', redirectUri });
  const { payload, protectedHeader } = await verify(tokens.accessToken);
  expect(protectedHeader).toMatchObject({ typ: 'at+jwt', kid: identity.keys[0].kid });
  expect(payload).toMatchObject({ iss: identity.issuer, aud: 'books-api', sub: editor.subject, client_id: 'books-web', name: editor.name, roles: ['editor'] });
  expect(payload.exp! - payload.iat!).toBe(300);
  expect(tokens.expiresIn).toBe(300);
  expect(jwtPayload(tokens.idToken!)).toMatchObject({ iss: identity.issuer, aud: 'books-web', sub: editor.subject, name: editor.name, roles: ['editor'] });
  expect(tokens.refreshToken).toEqual(expect.any(String));
});

it('gives a reader no roles and an admin both', async () => {
  const { reader, admin } = identity.users;
  expect(jwtPayload((await signIn(identity, reader.username, reader.password)).accessToken)).toMatchObject({ roles: [] });
  expect(jwtPayload((await signIn(identity, admin.username, admin.password)).accessToken)).toMatchObject({ roles: ['admin', 'editor'] });
});

it('refuses a wrong password, and an unknown user, with the same message on the login page', async () => {
  const attempts = [signIn(identity, 'editor', 'not-the-password'), signIn(identity, 'nobody', 'whatever')];
  const pages: string[] = [];
  for (const attempt of attempts) {
    const error = await attempt.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(SignInRefused);
    pages.push((error as SignInRefused).page);
  }
  for (const page of pages) {
    expect(page).toContain('Wrong username or password.');
    expect(page).toContain('<form method="post"');
  }
  // The username typed comes back escaped, never as markup.
  const error = await signIn(identity, '<script>x</script>', 'whatever').catch((e: SignInRefused) => e);
  expect((error as SignInRefused).page).toContain('&lt;script&gt;x&lt;/script&gt;');
  expect((error as SignInRefused).page).not.toContain('<script>x');
});

it('refuses a sign-in without PKCE from the public web client', async () => {
  const { authorization_endpoint } = await discovery(identity);
  const url = `${authorization_endpoint}?${new URLSearchParams({ client_id: 'books-web', redirect_uri: redirectUri, response_type: 'code', scope: 'openid' })}`;
  const response = await fetch(url, { redirect: 'manual' });
  const location = new URL(response.headers.get('location')!);
  expect(location.searchParams.get('error')).toBe('invalid_request');
  expect(location.searchParams.get('error_description')).toMatch(/PKCE/);
});

it('gives a program a client-credentials token with the roles of its client', async () => {
  const cli = identity.clients['books-cli'];
  const tokens = await clientCredentials(identity, cli.client_id, cli.client_secret!);
  const { payload } = await verify(tokens.accessToken);
  expect(payload).toMatchObject({ iss: identity.issuer, aud: 'books-api', sub: 'books-cli', client_id: 'books-cli', name: 'Books command line', roles: ['admin', 'editor'] });
  await expect(clientCredentials(identity, cli.client_id, 'wrong-secret-wrong-secret-wrong-secret')).rejects.toThrow(/invalid_client/);
});

it('refreshes tokens, rotating the refresh token', async () => {
  const { editor } = identity.users;
  const first = await signIn(identity, editor.username, editor.password);
  const second = await refresh(identity, first.refreshToken!);
  expect(second.refreshToken).toEqual(expect.any(String));
  expect(second.refreshToken).not.toBe(first.refreshToken);
  expect((await verify(second.accessToken)).payload).toMatchObject({ sub: editor.subject, roles: ['editor'], name: editor.name });
  // A spent refresh token is refused (and, per oidc-provider, revokes the whole grant).
  await expect(refresh(identity, first.refreshToken!)).rejects.toThrow(/invalid_grant/);
});

it('keeps a session for a second sign-in, and ends it at logout, refresh token included', async () => {
  const { editor } = identity.users;
  const jar = new CookieJar();
  const first = await signIn(identity, editor.username, editor.password, { jar });
  // Signed in already: the IdP sends the browser straight back, without a login page.
  await expect(signIn(identity, editor.username, editor.password, { jar })).rejects.toThrow(/redirected back without a login page: .*code=/);
  const back = await signOut(identity, jar, first.idToken!, redirectUri);
  expect(back.href.startsWith(redirectUri)).toBe(true);
  await expect(refresh(identity, first.refreshToken!)).rejects.toThrow(/invalid_grant/);
  // Signed out: the login page again.
  await expect(signIn(identity, editor.username, editor.password, { jar })).resolves.toMatchObject({ accessToken: expect.any(String) });
});

it('lets the web origin call the token endpoint cross-origin, and no other origin', async () => {
  const { token_endpoint } = await discovery(identity);
  const preflight = (origin: string) =>
    fetch(token_endpoint, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
  expect((await preflight('http://127.0.0.1:4200')).headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:4200');
  const { editor } = identity.users;
  const { refreshToken } = await signIn(identity, editor.username, editor.password);
  const cross = await fetch(token_endpoint, {
    method: 'POST',
    headers: { origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken!, client_id: 'books-web' }),
  });
  expect(cross.status).toBe(400);
  expect(await cross.json()).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/origin/i) });
});

it('rotates keys on SIGHUP: the new key is first at jwks_uri and signs new tokens; old tokens still verify', async () => {
  const { editor } = identity.users;
  const before = await signIn(identity, editor.username, editor.password);
  const oldKid = identity.keys[0].kid;
  const key = await identity.rotateKeys();
  const { jwks_uri } = await discovery(identity);
  const published = (await (await fetch(jwks_uri)).json()) as { keys: Record<string, string>[] };
  expect(published.keys.map((jwk) => jwk.kid)).toEqual([key.kid, oldKid]);
  expect(published.keys.every((jwk) => jwk['d'] === undefined)).toBe(true);
  expect((await verify(before.accessToken)).protectedHeader.kid).toBe(oldKid);
  // The session made before the rotation still stands, and new tokens carry the new key.
  const after = await signIn(identity, editor.username, editor.password);
  expect((await verify(after.accessToken)).protectedHeader.kid).toBe(key.kid);
  expect((await refresh(identity, before.refreshToken!)).accessToken).toEqual(expect.any(String));
});
