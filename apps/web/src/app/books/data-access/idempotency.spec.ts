import { idempotencyKeys, newIdempotencyKey } from './idempotency';

describe('idempotencyKeys', () => {
  const book = { title: 'Station Eleven', author: 'Emily St. John Mandel', year: 2014, score: null, read: false };

  it('reuses the key when the same book is saved again, so the server creates it once', () => {
    const keyFor = idempotencyKeys();

    expect(keyFor(book)).toBe(keyFor({ ...book }));
  });

  it('takes a new key when the book changed, since the server refuses a key reused with another body', () => {
    let next = 0;
    const keyFor = idempotencyKeys(() => `key-${++next}`);

    expect(keyFor(book)).toBe('key-1');
    expect(keyFor({ ...book, score: 8 })).toBe('key-2');
  });
});

describe('newIdempotencyKey', () => {
  const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it('makes a version 4 UUID', () => {
    expect(newIdempotencyKey()).toMatch(UUID_V4);
  });

  it('makes one without crypto.randomUUID, which plain-HTTP pages lack', () => {
    const own = Object.getOwnPropertyDescriptor(crypto, 'randomUUID');
    Object.defineProperty(crypto, 'randomUUID', { value: undefined, configurable: true });
    try {
      const keys = new Set(Array.from({ length: 50 }, () => newIdempotencyKey()));
      expect([...keys].every((key) => UUID_V4.test(key))).toBe(true);
      expect(keys.size).toBe(50);
    } finally {
      if (own) Object.defineProperty(crypto, 'randomUUID', own);
      else delete (crypto as { randomUUID?: unknown }).randomUUID;
    }
    expect(typeof crypto.randomUUID).toBe('function');
  });
});
