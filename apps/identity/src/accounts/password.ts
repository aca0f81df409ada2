import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashes: `scrypt$<N>$<r>$<p>$<salt>$<hash>`, salt and hash in base64url. The cost
 * travels with the hash, so raising the default later does not break stored ones.
 */
export const DEFAULT_SCRYPT = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{16,})$/;

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

interface ParsedHash extends ScryptParams {
  salt: Buffer;
  hash: Buffer;
}

function derive(password: string, salt: Buffer, { N, r, p }: ScryptParams, length: number): Promise<Buffer> {
  // scrypt needs 128 * N * r bytes; Node's default cap (32 MiB) is exactly the default cost.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, length, options, (error, key) => (error ? reject(error) : resolve(key))));
}

/** Why a stored hash cannot be used, or undefined when it can. */
export function passwordHashProblem(encoded: string): string | undefined {
  const parsed = parse(encoded);
  return typeof parsed === 'string' ? parsed : undefined;
}

function parse(encoded: string): ParsedHash | string {
  const match = FORMAT.exec(encoded);
  if (!match) return 'is not scrypt$<N>$<r>$<p>$<salt>$<hash> (base64url); make one with `npm run identity:hash-password`';
  const [N, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (N < 2 ** 14 || N > 2 ** 20 || (N & (N - 1)) !== 0) return `has N=${N}: it must be a power of two from 2^14 to 2^20`;
  if (r < 1 || r > 32 || p < 1 || p > 16) return `has r=${r}, p=${p}: r must be 1-32 and p 1-16`;
  return { N, r, p, salt: Buffer.from(match[4], 'base64url'), hash: Buffer.from(match[5], 'base64url') };
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  if (!password) throw new Error('A password must not be empty');
  const salt = randomBytes(SALT_LENGTH);
  const hash = await derive(password, salt, params, KEY_LENGTH);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** True when `password` matches; compares in constant time. A malformed hash never matches. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parse(encoded);
  if (typeof parsed === 'string') return false;
  const candidate = await derive(password, parsed.salt, parsed, parsed.hash.length);
  return timingSafeEqual(candidate, parsed.hash);
}
