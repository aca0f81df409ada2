import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import * as z from 'zod';
import { readJsonFile } from '../files';

/** What a key may sign with: the asymmetric JWS algorithms oidc-provider knows. */
const SIGNING_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];

/** Private JWKs; oidc-provider checks the key material itself. */
const key = z
  .looseObject({
    kty: z.enum(['RSA', 'EC', 'OKP']),
    kid: z.string().min(1, { error: 'every key needs a kid, so tokens say which key signed them' }),
    alg: z.enum(SIGNING_ALGS).optional(),
    d: z.string({ error: 'is missing: the keys file holds private keys (the public ones are derived from them)' }),
    use: z.literal('sig').optional(),
  });

const jwks = z.strictObject({
  keys: z.array(key).min(1, { error: 'holds no key' }),
}).superRefine(({ keys }, context) => {
  const seen = new Set<string>();
  keys.forEach((entry, index) => {
    if (seen.has(entry.kid)) context.addIssue({ code: 'custom', path: ['keys', index, 'kid'], message: `${JSON.stringify(entry.kid)} appears twice` });
    seen.add(entry.kid);
  });
});

export type PrivateJwk = z.output<typeof key>;

export interface SigningKeys {
  keys: (PrivateJwk & { alg: SigningAlg })[];
  /** The algorithm of the first key, which signs every new token. */
  signingAlg: SigningAlg;
}

/** The algorithm a key signs with: its `alg`, or the usual one for its type. */
export function algorithmOf(jwk: PrivateJwk): SigningAlg {
  if (jwk.alg) return jwk.alg;
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'OKP') return 'EdDSA';
  const curves: Record<string, SigningAlg> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };
  const alg = curves[String(jwk['crv'])];
  if (!alg) throw new Error(`key ${jwk.kid}: unknown EC curve ${String(jwk['crv'])}`);
  return alg;
}

/**
 * The signing keys from IDENTITY_KEYS_FILE (a JWKS with private keys). The first signs; the
 * others stay published at jwks_uri so tokens they signed still verify: rotate by putting a
 * new key first, and drop the old one once its tokens have expired.
 */
export function loadKeys(path: string): SigningKeys {
  const { keys } = readJsonFile(path, 'keys', jwks);
  // Each key carries its alg, so oidc-provider signs with the first key of the first key's alg.
  const withAlg = keys.map((jwk) => ({ ...jwk, alg: algorithmOf(jwk), use: 'sig' as const }));
  return { keys: withAlg, signingAlg: withAlg[0].alg };
}

/**
 * Writes a keys file with one new ES256 key when there is none (IDENTITY_GENERATE_KEYS): a
 * deployment then needs no private key in its repository, only a volume that keeps the file.
 * Returns whether it wrote one.
 */
export function createKeysFileIfMissing(path: string): boolean {
  if (existsSync(path)) return false;
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'ES256', use: 'sig' };
  // wx: never overwrite a file that appeared meanwhile (another container on the same volume).
  writeFileSync(path, `${JSON.stringify({ keys: [jwk] }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  return true;
}
