import type { BookHistoryPage } from '@books/contracts';
import { actorHeaders, historyFor, scopedIdempotencyKey } from './actor';
import type { Caller } from './caller';

const editor: Caller = { subject: 'user-1', name: 'Ada', roles: ['editor'], kind: 'user' };
const admin: Caller = { ...editor, subject: 'admin-1', roles: ['admin'] };

describe('the actor of a change', () => {
  it('goes to the books-service as three headers, or none without a caller', () => {
    expect(actorHeaders(editor)).toEqual({ 'books-actor-subject': 'user-1', 'books-actor-name': 'Ada', 'books-actor-kind': 'user' });
    expect(actorHeaders(undefined)).toEqual({});
  });

  it("scopes an Idempotency-Key to the caller's subject", () => {
    expect(scopedIdempotencyKey('k-1', editor)).toBe('user-1/k-1');
    expect(scopedIdempotencyKey('k-1', undefined)).toBe('k-1');
    expect(scopedIdempotencyKey(undefined, editor)).toBeUndefined();
  });

  it('shows the subject in a history to admins only', () => {
    const page: BookHistoryPage = {
      items: [
        { version: 2, type: 'updated', occurredAt: 't', book: null, changes: [], actor: { name: 'Ada', kind: 'user', subject: 'user-1' } },
        { version: 1, type: 'created', occurredAt: 't', book: null, changes: [] },
      ],
      next: null,
    };
    expect(historyFor(page, admin).items[0].actor).toEqual({ name: 'Ada', kind: 'user', subject: 'user-1' });
    expect(historyFor(page, editor).items[0].actor).toEqual({ name: 'Ada', kind: 'user' });
    expect(historyFor(page, undefined).items[0].actor).toEqual({ name: 'Ada', kind: 'user' });
    expect(historyFor(page, undefined).items[1]).not.toHaveProperty('actor');
  });
});
