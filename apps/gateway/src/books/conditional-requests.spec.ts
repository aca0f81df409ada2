import { RequestValidationException } from '../errors/request-validation.exception';
import { etagOf, expectedVersionFrom, idempotencyKeyFrom, matchesIfNoneMatch } from './conditional-requests';

describe('conditional requests', () => {
  it('uses the quoted version as ETag', () => {
    expect(etagOf({ version: 7 })).toBe('"7"');
  });

  it.each([
    [undefined, undefined],
    ['*', undefined],
    ['"3"', 3],
    [' "12" ', 12],
  ])('reads If-Match %p as expected version %p', (header, version) => {
    expect(expectedVersionFrom(header)).toBe(version);
  });

  it.each(['3', 'W/"3"', '"0"', '"-1"', '"3", "4"', '"1e3"', '""', '"9999999999"'])('rejects If-Match %s', (header) => {
    expect(() => expectedVersionFrom(header)).toThrow(RequestValidationException);
  });

  it('matches If-None-Match lists, weak tags and *', () => {
    expect(matchesIfNoneMatch('"1", "2"', '"2"')).toBe(true);
    expect(matchesIfNoneMatch('W/"2"', '"2"')).toBe(true);
    expect(matchesIfNoneMatch('*', '"2"')).toBe(true);
    expect(matchesIfNoneMatch('"1"', '"2"')).toBe(false);
    expect(matchesIfNoneMatch(undefined, '"2"')).toBe(false);
  });

  it('accepts visible-ASCII idempotency keys up to 255 characters', () => {
    expect(idempotencyKeyFrom('order-42:retry')).toBe('order-42:retry');
    expect(idempotencyKeyFrom(undefined)).toBeUndefined();
    for (const bad of ['', 'with space', 'x'.repeat(256), 'ünïcode']) {
      expect(() => idempotencyKeyFrom(bad)).toThrow(RequestValidationException);
    }
  });
});
