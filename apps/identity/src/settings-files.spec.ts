import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyPassword } from './accounts/password';
import { UserDirectory } from './accounts/users';
import { clientOrigins, loadClients } from './clients/clients';
import { SettingsFileError } from './files';
import { createKeysFileIfMissing, loadKeys } from './keys/keys';

// One scrypt check at the default cost: slow on a busy machine.
jest.setTimeout(30_000);

let dir: string;
// A well-formed hash (of "correct horse battery"): the tables below are built before any hook runs.
const hash = 'scrypt$32768$8$1$TpjZkmYCQkkUi12dFJBOWw$0RtGjFStkl_NZvpwwoUvAJKlHpNprurQXeEcpwjZBWU';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'identity-files-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const editor = () => ({ subject: 's-1', username: 'Editor', name: 'Edith', roles: ['editor'], passwordHash: hash });
const web = { client_id: 'books-web', token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], redirect_uris: ['http://localhost:8080/'] };
const cli = { client_id: 'books-cli', client_secret: 'x'.repeat(32), grant_types: ['client_credentials'], roles: ['editor'] };

describe('users file', () => {
  it('loads users and finds them by subject, and by username whatever its case', async () => {
    const users = UserDirectory.fromFile(file('users.json', [editor(), { ...editor(), subject: 's-2', username: 'reader', roles: undefined }]));
    expect(users.byName(' editor ')?.subject).toBe('s-1');
    expect(users.bySubjectId('s-2')).toMatchObject({ username: 'reader', roles: [] });
    expect(users.byName('nobody')).toBeUndefined();
    await expect(verifyPassword('correct horse battery', users.byName('editor')!.passwordHash)).resolves.toBe(true);
  });

  it.each([
    ['a missing file', undefined, /Cannot read the users file .*missing\.json/],
    ['text that is not JSON', '[{', /users file .* is not JSON/],
    ['an object instead of a list', { users: [] }, /\(file\): .*expected array/i],
    ['a plain-text password', [{ ...editor(), passwordHash: 'hunter2' }], /0\.passwordHash: is not scrypt.*identity:hash-password/],
    ['a user without a name', [{ ...editor(), name: undefined }], /0\.name: /],
    ['an unknown field (a typo)', [{ ...editor(), role: ['admin'] }], /Unrecognized key.*"role"/],
    ['the same username twice, in another case', [editor(), { ...editor(), subject: 's-2', username: 'EDITOR' }], /1\.username: "editor" appears twice/],
    ['the same subject twice', [editor(), { ...editor(), username: 'other' }], /1\.subject: "s-1" appears twice/],
    ['a role with a space', [{ ...editor(), roles: ['chief editor'] }], /0\.roles\.0: a role is/],
  ])('stops on %s, saying what is wrong', (_case, content, message) => {
    const path = content === undefined ? join(dir, 'missing.json') : file('bad-users.json', content);
    expect(() => UserDirectory.fromFile(path)).toThrow(SettingsFileError);
    expect(() => UserDirectory.fromFile(path)).toThrow(message);
  });
});

describe('clients file', () => {
  it('loads a public web client and a confidential client with roles', () => {
    expect(loadClients(file('clients.json', [web, cli])).map((client) => client.client_id)).toEqual(['books-web', 'books-cli']);
  });

  it('derives the origins allowed to call the token endpoint from the redirect URIs', () => {
    expect(clientOrigins({ redirect_uris: ['http://localhost:8080/', 'http://localhost:8080/callback'], post_logout_redirect_uris: ['https://books.example/'] })).toEqual([
      'http://localhost:8080',
      'https://books.example',
    ]);
  });

  it.each([
    ['no client at all', [], /\(file\): lists no client/],
    ['a confidential client without a secret', [{ ...cli, client_secret: undefined }], /0\.client_secret: is required for a confidential client/],
    ['a short secret', [{ ...cli, client_secret: 'short' }], /0\.client_secret: must be at least 32 characters/],
    ['a public client with a secret', [{ ...web, client_secret: 'x'.repeat(32) }], /0\.client_secret: a public client .* has no secret/],
    ['a public client using client_credentials', [{ ...web, grant_types: ['client_credentials'] }], /0\.grant_types: a public client cannot use client_credentials/],
    ['roles on a browser client', [{ ...web, roles: ['admin'] }], /0\.roles: only client_credentials clients/],
    ['a redirect URI that is not an http(s) URL', [{ ...web, redirect_uris: ['localhost:8080'] }], /0\.redirect_uris\.0: /],
    ['the same client twice', [web, web], /1\.client_id: "books-web" appears twice/],
  ])('stops on %s, saying what is wrong', (_case, content, message) => {
    const path = file('bad-clients.json', content);
    expect(() => loadClients(path)).toThrow(SettingsFileError);
    expect(() => loadClients(path)).toThrow(message);
  });
});

describe('keys file', () => {
  const ec = { kty: 'EC', crv: 'P-256', kid: 'k1', x: 'x', y: 'y', d: 'd' };

  it('takes the first key to sign, with its algorithm from its curve when not given', () => {
    const keys = loadKeys(file('keys.json', { keys: [ec, { kty: 'RSA', kid: 'k0', n: 'n', e: 'AQAB', d: 'd', alg: 'PS256' }] }));
    expect(keys.signingAlg).toBe('ES256');
    expect(keys.keys.map((key) => [key.kid, key.alg])).toEqual([['k1', 'ES256'], ['k0', 'PS256']]);
  });

  it('makes a keys file with one ES256 key when asked and there is none, and leaves an existing one alone', () => {
    const path = join(dir, 'generated-keys.json');
    expect(createKeysFileIfMissing(path)).toBe(true);
    const keys = loadKeys(path);
    expect(keys).toMatchObject({ signingAlg: 'ES256', keys: [expect.objectContaining({ kty: 'EC', crv: 'P-256', d: expect.any(String) })] });
    expect(createKeysFileIfMissing(path)).toBe(false);
    expect(loadKeys(path).keys[0].kid).toBe(keys.keys[0].kid);
  });

  it.each([
    ['no key', { keys: [] }, /keys: holds no key/],
    ['a public key only', { keys: [{ ...ec, d: undefined }] }, /keys\.0\.d: is missing: the keys file holds private keys/],
    ['a key without a kid', { keys: [{ ...ec, kid: undefined }] }, /keys\.0\.kid: /],
    ['a symmetric key', { keys: [{ kty: 'oct', k: 'k', kid: 'k', d: 'd' }] }, /keys\.0\.kty: /],
    ['the same kid twice', { keys: [ec, ec] }, /keys\.1\.kid: "k1" appears twice/],
  ])('stops on %s', (_case, content, message) => {
    expect(() => loadKeys(file('bad-keys.json', content))).toThrow(message);
  });
});
