import { createHash, createPublicKey, type JsonWebKey, randomBytes, verify as verifySignature } from 'node:crypto';
import type { IdentityServer } from '@books/stack';

/** What the token endpoint gave: the tokens and the access token's lifetime in seconds. */
export interface TokenSet {
  accessToken: string;
  idToken?: string;
  refreshToken?: string;
  expiresIn: number;
  scope?: string;
}

export interface SignInOptions {
  clientId?: string;
  redirectUri?: string;
  scope?: string;
  /** The browser's cookies, to keep the IdP session across calls (signOut, a second sign-in). */
  jar?: CookieJar;
}

/** The IdP refused the username and password: its answer, with the login page it showed again. */
export class SignInRefused extends Error {
  constructor(
    readonly status: number,
    readonly page: string,
  ) {
    super(`The IdP refused the sign-in (HTTP ${status})`);
  }
}

/** Cookies by name, as a browser would keep them for one site (path and expiry simplified). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const at = pair.indexOf('=');
      const [name, value] = [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
      const expired = attributes.some((attribute) => {
        const [key, val = ''] = attribute.trim().split('=');
        return (key.toLowerCase() === 'max-age' && Number(val) <= 0) || (key.toLowerCase() === 'expires' && Date.parse(val) < Date.now());
      });
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

interface Discovery {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
  jwks_uri: string;
  end_session_endpoint?: string;
}

export async function discovery(identity: Pick<IdentityServer, 'issuer'>): Promise<Discovery> {
  const response = await fetch(`${identity.issuer}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`discovery answered ${response.status}`);
  return (await response.json()) as Discovery;
}

/** One step of a browser: a request with the jar's cookies, no automatic redirects. */
async function browse(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
  const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), cookie: jar.header() } });
  jar.take(response);
  return response;
}

/** Follows redirects like a browser until one leaves for `redirectUri` (returned) or a page answers (returned as a Response). */
async function follow(jar: CookieJar, response: Response, base: string, redirectUri: string): Promise<URL | Response> {
  for (let hops = 0; hops < 10; hops++) {
    if (response.status < 300 || response.status >= 400) return response;
    const location = new URL(response.headers.get('location') ?? '', base);
    await response.body?.cancel();
    if (location.href.startsWith(redirectUri)) return location;
    response = await browse(jar, location.href);
    base = location.href;
  }
  throw new Error('Too many redirects');
}

async function tokenRequest(identity: Pick<IdentityServer, 'issuer'>, form: Record<string, string>, headers: Record<string, string> = {}): Promise<TokenSet> {
  const { token_endpoint } = await discovery(identity);
  const response = await fetch(token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  });
  const body = (await response.json()) as Record<string, any>;
  if (!response.ok) throw new Error(`token endpoint answered ${response.status}: ${JSON.stringify(body)}`);
  return { accessToken: body['access_token'], idToken: body['id_token'], refreshToken: body['refresh_token'], expiresIn: body['expires_in'], scope: body['scope'] };
}

/**
 * Signs in as a person does, over HTTP: the authorization code flow with PKCE (S256), the
 * IdP's login form posted with the username and password, the code exchanged at the token
 * endpoint. Throws SignInRefused when the IdP shows the login page again.
 */
export async function signIn(
  identity: Pick<IdentityServer, 'issuer' | 'clients'>,
  username: string,
  password: string,
  { clientId = 'books-web', redirectUri = identity.clients['books-web'].redirect_uris![0], scope = 'openid profile roles offline_access', jar = new CookieJar() }: SignInOptions = {},
): Promise<TokenSet> {
  const { authorization_endpoint } = await discovery(identity);
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const authorize = new URL(authorization_endpoint);
  authorize.search = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope,
    state,
    nonce: randomBytes(16).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();

  const loginPage = await follow(jar, await browse(jar, authorize.href), authorize.href, redirectUri);
  if (loginPage instanceof URL) throw new Error(`The IdP redirected back without a login page: ${loginPage.href}`);
  const html = await loginPage.text();
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (loginPage.status !== 200 || !action) throw new Error(`Expected the login page, got ${loginPage.status}: ${html.slice(0, 300)}`);
  const formUrl = new URL(action.replace(/&amp;/g, '&'), loginPage.url || authorize.href).href;

  const posted = await browse(jar, formUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }).toString(),
  });
  if (posted.status === 401) throw new SignInRefused(posted.status, await posted.text());
  const back = await follow(jar, posted, formUrl, redirectUri);
  if (!(back instanceof URL)) throw new Error(`Expected a redirect to ${redirectUri}, got ${back.status}: ${(await back.text()).slice(0, 300)}`);
  if (back.searchParams.get('error')) throw new Error(`The IdP answered ${back.searchParams.get('error')}: ${back.searchParams.get('error_description')}`);
  if (back.searchParams.get('state') !== state) throw new Error('The state came back changed');
  const code = back.searchParams.get('code');
  if (!code) throw new Error(`No code in ${back.href}`);
  return tokenRequest(identity, { grant_type: 'authorization_code', code, redirect_uri: redirectUri, client_id: clientId, code_verifier: verifier });
}

/**
 * Signs out as the web app does: to end_session with the ID token and the post-logout
 * redirect URI, then confirms on the IdP's page. Returns where the IdP sent the browser.
 */
export async function signOut(identity: Pick<IdentityServer, 'issuer'>, jar: CookieJar, idToken: string, postLogoutRedirectUri: string): Promise<URL> {
  const { end_session_endpoint } = await discovery(identity);
  const url = `${end_session_endpoint}?${new URLSearchParams({ id_token_hint: idToken, post_logout_redirect_uri: postLogoutRedirectUri })}`;
  const page = await browse(jar, url);
  const html = await page.text();
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (page.status !== 200 || !action) throw new Error(`Expected the logout page, got ${page.status}: ${html.slice(0, 300)}`);
  const fields = new URLSearchParams([...html.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)].map((m) => [m[1], m[2]]));
  fields.set('logout', 'yes');
  const formUrl = new URL(action.replace(/&amp;/g, '&'), url).href;
  const posted = await browse(jar, formUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: fields.toString() });
  const back = await follow(jar, posted, formUrl, postLogoutRedirectUri);
  if (!(back instanceof URL)) throw new Error(`Expected a redirect to ${postLogoutRedirectUri}, got ${back.status}`);
  return back;
}

/** A token for a program signing in as itself (client_credentials, client_secret_basic). */
export function clientCredentials(identity: Pick<IdentityServer, 'issuer'>, clientId: string, secret: string): Promise<TokenSet> {
  const basic = Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64');
  return tokenRequest(identity, { grant_type: 'client_credentials' }, { authorization: `Basic ${basic}` });
}

/** New tokens for a refresh token (a public client: the client id, no secret). The old refresh token is spent. */
export function refresh(identity: Pick<IdentityServer, 'issuer'>, refreshToken: string, clientId = 'books-web'): Promise<TokenSet> {
  return tokenRequest(identity, { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: clientId });
}

/** The payload of a JWT, unverified: for looking at claims in tests. */
export function jwtPayload(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

/**
 * Checks a JWT's signature against the IdP's published keys (jwks_uri) and returns its header
 * and payload; throws when no key verifies it. node:crypto, not jose: Jest cannot require()
 * jose (an ES module) without --experimental-vm-modules.
 */
export async function verifyJwt(identity: Pick<IdentityServer, 'issuer'>, token: string): Promise<{ header: Record<string, any>; payload: Record<string, any> }> {
  const [encodedHeader, encodedPayload, signature] = token.split('.');
  const header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8'));
  const { jwks_uri } = await discovery(identity);
  const { keys } = (await (await fetch(jwks_uri)).json()) as { keys: (JsonWebKey & { kid: string })[] };
  const jwk = keys.find((key) => key.kid === header.kid);
  if (!jwk) throw new Error(`No key ${header.kid} at ${jwks_uri}`);
  const hash = `sha${String(header.alg).slice(2)}`;
  const ok = verifySignature(hash, Buffer.from(`${encodedHeader}.${encodedPayload}`), { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
  if (!ok) throw new Error('Bad signature');
  return { header, payload: jwtPayload(token) };
}
