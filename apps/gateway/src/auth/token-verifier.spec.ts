import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CryptoKey, type JWK, SignJWT, exportJWK, exportSPKI, generateKeyPair } from 'jose';
import { IdentityProviderUnavailableError, InvalidTokenError } from './auth.errors';
import { TokenVerifier, type TokenVerifierSettings } from './token-verifier';

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  publicPem: string;
}

async function signingKey(kid: string, alg: 'RS256' | 'ES256' = 'RS256'): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }, publicPem: await exportSPKI(publicKey) };
}

/** A stand-in identity provider: discovery and a JWKS the test changes at will, and can take down. */
class FakeIdentityProvider {
  published: JWK[] = [];
  jwksFetches = 0;
  down = false;
  private server?: Server;
  issuer = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      if (this.down) {
        response.writeHead(502).end();
        return;
      }
      if (request.url === '/.well-known/openid-configuration') {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: this.issuer, jwks_uri: `${this.issuer}/jwks` }));
      } else if (request.url === '/jwks') {
        this.jwksFetches++;
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: this.published }));
      } else {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.issuer = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

const idp = new FakeIdentityProvider();
let key: SigningKey;

beforeAll(async () => {
  await idp.start();
  key = await signingKey('key-1');
});
afterAll(() => idp.stop());
beforeEach(() => {
  idp.published = [key.publicJwk];
  idp.down = false;
});

function verifier(overrides: Partial<TokenVerifierSettings> = {}): TokenVerifier {
  return new TokenVerifier({
    OIDC_ISSUER: idp.issuer,
    OIDC_AUDIENCE: 'books-api',
    OIDC_JWKS_URL: undefined,
    OIDC_ROLES_CLAIM: 'roles',
    OIDC_NAME_CLAIM: 'name',
    OIDC_CLOCK_TOLERANCE_S: 5,
    OIDC_ALGORITHMS: ['RS256', 'PS256', 'ES256', 'EdDSA'],
    OIDC_JWKS_CACHE_MAX_AGE_MS: 600_000,
    OIDC_JWKS_COOLDOWN_MS: 1,
    ...overrides,
  });
}

const now = () => Math.floor(Date.now() / 1000);

function token(claims: Record<string, unknown> = {}, { signer = key, header = {} }: { signer?: SigningKey; header?: Record<string, unknown> } = {}): Promise<string> {
  return new SignJWT({ name: 'Ada Editor', roles: ['editor'], client_id: 'books-web', ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: signer.kid, typ: 'at+jwt', ...header })
    .setIssuer(idp.issuer)
    .setAudience('books-api')
    .setSubject('user-1')
    .setIssuedAt()
    .setExpirationTime((claims['exp'] as number | undefined) ?? '5m')
    .sign(signer.privateKey);
}

function unsigned(claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ iss: idp.issuer, aud: 'books-api', sub: 'user-1', exp: now() + 300, roles: ['admin'], ...claims })}.`;
}

describe(TokenVerifier.name, () => {
  it('accepts a valid token, found through discovery, and names the caller', async () => {
    await expect(verifier().verify(await token())).resolves.toEqual({ subject: 'user-1', name: 'Ada Editor', roles: ['editor'], kind: 'user' });
  });

  it('takes the keys from OIDC_JWKS_URL when set', async () => {
    await expect(verifier({ OIDC_JWKS_URL: `${idp.issuer}/jwks` }).verify(await token())).resolves.toMatchObject({ subject: 'user-1' });
  });

  it('reads roles at a dotted path and falls back to preferred_username, then sub, for the name', async () => {
    const keycloak = verifier({ OIDC_ROLES_CLAIM: 'realm_access.roles' });
    const caller = await keycloak.verify(await token({ name: undefined, roles: undefined, preferred_username: 'ada', realm_access: { roles: ['admin'] } }));
    expect(caller).toMatchObject({ name: 'ada', roles: ['admin'] });
    expect((await keycloak.verify(await token({ name: undefined }))).name).toBe('user-1');
  });

  it('tells a program acting for itself (client credentials: sub = client_id) from a person', async () => {
    const caller = await verifier().verify(await token({ client_id: 'user-1', name: 'Books CLI' }));
    expect(caller).toEqual({ subject: 'user-1', name: 'Books CLI', roles: ['editor'], kind: 'client' });
  });

  it.each<[string, () => Promise<string>, RegExp]>([
    ['an expired token', () => token({ exp: now() - 60 }), /expired/],
    ['a token not valid before a future time', () => token({ nbf: now() + 120 }), /not valid yet/],
    ['a token for another audience', () => new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'key-1' }).setIssuer(idp.issuer).setAudience('other-api').setSubject('u').setExpirationTime('5m').sign(key.privateKey), /aud/],
    ['a token from another issuer', () => new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'key-1' }).setIssuer('http://evil.example').setAudience('books-api').setSubject('u').setExpirationTime('5m').sign(key.privateKey), /iss/],
    ['a token without exp', () => new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'key-1' }).setIssuer(idp.issuer).setAudience('books-api').setSubject('u').sign(key.privateKey), /exp/],
    ['a token with a bad signature', async () => { const [h, p] = (await token()).split('.'); const [, , s] = (await token({ roles: ['admin'] })).split('.'); return `${h}.${p}.${s}`; }, /signature/],
    ['a token with a tampered payload', async () => { const [h, , s] = (await token()).split('.'); return `${h}.${Buffer.from(JSON.stringify({ sub: 'user-1', roles: ['admin'] })).toString('base64url')}.${s}`; }, /signature|not a valid/],
    ['an unsigned token (alg none)', async () => unsigned({}), /algorithm|not a valid/],
    ['garbage', async () => 'not-a-jwt', /not a valid/],
  ])('refuses %s (401)', async (_, make, message) => {
    const refusal = verifier().verify(await make());
    await expect(refusal).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(refusal).rejects.toThrow(message);
  });

  it('refuses HS256 signed with the public key as the secret (algorithm confusion)', async () => {
    const { createSecretKey } = await import('node:crypto');
    const forged = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
      .setIssuer(idp.issuer)
      .setAudience('books-api')
      .setSubject('mallory')
      .setExpirationTime('5m')
      .sign(createSecretKey(Buffer.from(key.publicPem)));
    await expect(verifier().verify(forged)).rejects.toThrow(new InvalidTokenError("The access token's signature algorithm is not accepted"));
  });

  it('never quotes the token in its message', async () => {
    const refusal = await verifier().verify(await token({ exp: now() - 60, name: 'Secret Name' })).catch((error: Error) => error);
    expect(refusal).toBeInstanceOf(InvalidTokenError);
    expect(String(refusal)).not.toMatch(/Secret Name|user-1|eyJ/);
  });

  it('fetches the keys again for a kid it has not seen: rotation without a restart', async () => {
    const sut = verifier();
    await sut.verify(await token());
    const rotated = await signingKey('key-2', 'ES256');
    idp.published = [key.publicJwk, rotated.publicJwk];
    const fetches = idp.jwksFetches;
    const fresh = await new SignJWT({ roles: ['editor'] }).setProtectedHeader({ alg: 'ES256', kid: 'key-2' }).setIssuer(idp.issuer).setAudience('books-api').setSubject('user-2').setExpirationTime('5m').sign(rotated.privateKey);
    await expect(sut.verify(fresh)).resolves.toMatchObject({ subject: 'user-2' });
    expect(idp.jwksFetches).toBe(fetches + 1);
  });

  it('keeps trusting cached keys until they are stale, then refuses tokens of a key taken out of the JWKS', async () => {
    const sut = verifier({ OIDC_JWKS_CACHE_MAX_AGE_MS: 200 });
    const [signed, replacement] = await Promise.all([token(), signingKey('key-3')]);
    await sut.verify(signed);
    idp.published = [replacement.publicJwk];
    await expect(sut.verify(signed)).resolves.toMatchObject({ subject: 'user-1' });
    await new Promise((resolve) => setTimeout(resolve, 250));
    await expect(sut.verify(signed)).rejects.toThrow(new InvalidTokenError('The access token is signed with a key the identity provider does not publish'));
  });

  it('keeps verifying with the keys it fetched last while the identity provider is down, stale or not', async () => {
    const sut = verifier({ OIDC_JWKS_CACHE_MAX_AGE_MS: 100 });
    const signed = await token();
    await sut.verify(signed);
    idp.down = true;
    await new Promise((resolve) => setTimeout(resolve, 150));
    await expect(sut.verify(signed)).resolves.toMatchObject({ subject: 'user-1' });
    await expect(sut.verify(await token({ exp: now() - 60 }))).rejects.toBeInstanceOf(InvalidTokenError);
    // A key it never saw cannot be checked while the provider is away: retryable, not refused.
    const unseen = await signingKey('key-unseen');
    await expect(sut.verify(await token({}, { signer: unseen }))).rejects.toBeInstanceOf(IdentityProviderUnavailableError);
  });

  it('answers 503 (retryable), not 401, while the identity provider is unreachable and the key is not cached', async () => {
    idp.down = true;
    const sut = verifier();
    await expect(sut.verify(await token())).rejects.toBeInstanceOf(IdentityProviderUnavailableError);
    await expect(verifier({ OIDC_JWKS_URL: `${idp.issuer}/jwks` }).verify(await token())).rejects.toBeInstanceOf(IdentityProviderUnavailableError);
    // Once it is back, the next token (after a short pause) discovers it.
    idp.down = false;
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await expect(sut.verify(await token())).resolves.toMatchObject({ subject: 'user-1' });
  });

  it('starts without reaching the identity provider', () => {
    idp.down = true;
    const fetches = idp.jwksFetches;
    verifier();
    expect(idp.jwksFetches).toBe(fetches);
  });
});
