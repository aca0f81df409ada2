import { hashPassword, passwordHashProblem, verifyPassword } from './password';

// scrypt is slow on purpose (about 0.1 s a hash at the default cost, far more on a busy CI machine).
jest.setTimeout(30_000);

// The lowest accepted cost keeps the suite fast; the default is tested once.
const cheap = { N: 2 ** 14, r: 8, p: 1 };

describe('password hashing', () => {
  it('hashes to scrypt$N$r$p$salt$hash and verifies the same password only', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(passwordHashProblem(hash)).toBeUndefined();
    await expect(verifyPassword('correct horse battery staple', hash)).resolves.toBe(true);
    await expect(verifyPassword('correct horse battery stapler', hash)).resolves.toBe(false);
    await expect(verifyPassword('', hash)).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same', cheap), hashPassword('same', cheap)]);
    expect(a).not.toBe(b);
    await expect(verifyPassword('same', a)).resolves.toBe(true);
    await expect(verifyPassword('same', b)).resolves.toBe(true);
  });

  it('reads the cost from the hash, so older or stronger hashes still verify', async () => {
    const hash = await hashPassword('pw', { N: 2 ** 15, r: 8, p: 2 });
    expect(hash.startsWith('scrypt$32768$8$2$')).toBe(true);
    await expect(verifyPassword('pw', hash)).resolves.toBe(true);
  });

  it('treats the same text in another Unicode form as the same password', async () => {
    const hash = await hashPassword('caf\u00e9', cheap);
    await expect(verifyPassword('cafe\u0301', hash)).resolves.toBe(true);
  });

  it.each([
    ['', /is not scrypt/],
    ['bcrypt$2b$10$abc', /is not scrypt/],
    ['scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /N=1024/],
    ['scrypt$30000$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /power of two/],
    ['scrypt$16384$0$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', /r must be/],
  ])('rejects the malformed hash %j, and never matches it', async (hash, problem) => {
    expect(passwordHashProblem(hash)).toMatch(problem);
    await expect(verifyPassword('anything', hash)).resolves.toBe(false);
  });

  it('refuses to hash an empty password', async () => {
    await expect(hashPassword('')).rejects.toThrow(/must not be empty/);
  });
});
