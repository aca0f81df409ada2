import type { IncomingMessage } from 'node:http';
import { requestIdFor } from './request-id';

const withHeader = (value?: string) => ({ headers: value === undefined ? {} : { 'x-request-id': value } }) as IncomingMessage;

describe(requestIdFor.name, () => {
  it('keeps a sane caller-supplied id', () => {
    expect(requestIdFor(withHeader('abc-123_x.y:z'))).toBe('abc-123_x.y:z');
  });

  it.each([undefined, '', 'has space', 'x'.repeat(129), '<script>'])('replaces %p with a UUID', (value) => {
    expect(requestIdFor(withHeader(value))).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
