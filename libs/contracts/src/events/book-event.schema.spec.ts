import { readBookEvent } from './book-event.schema';

const event = {
  eventId: '6f1c2a8e-4b7d-4e2a-9c1f-3d5e6a7b8c9d',
  type: 'book.deleted',
  bookId: '0b9e7d52-1c3a-4f6b-8e2d-7a5c4b3e2f1a',
  version: 3,
  occurredAt: '2026-11-30T10:00:00.000Z',
  book: null,
};

describe(readBookEvent.name, () => {
  it('reads a valid event', () => {
    expect(readBookEvent(JSON.stringify(event))).toEqual({ ok: true, event });
  });

  it('reads a 1.1 event with its actor, and a 1.0 event without one', () => {
    const withActor = { ...event, actor: { name: 'Ada Editor', kind: 'user' } };
    expect(readBookEvent(JSON.stringify(withActor))).toEqual({ ok: true, event: withActor });
    expect(readBookEvent(JSON.stringify(event))).toEqual({ ok: true, event });
  });

  it('drops fields it does not know instead of refusing the event (how a 1.0 reader sees 1.1)', () => {
    expect(readBookEvent(JSON.stringify({ ...event, addedLater: 1 }))).toEqual({ ok: true, event });
  });

  it('refuses an actor of an unknown kind', () => {
    expect(readBookEvent(JSON.stringify({ ...event, actor: { name: 'x', kind: 'robot' } })).ok).toBe(false);
  });

  it.each([
    ['null', 'null'],
    ['a number', '42'],
    ['garbage', '\u0000\u0001not json{'],
    ['an empty payload', ''],
    ['an event without its type', JSON.stringify({ ...event, type: undefined })],
    ['an event of an unknown type', JSON.stringify({ ...event, type: 'book.burned' })],
  ])('refuses %s with a reason instead of throwing', (_, payload) => {
    const reading = readBookEvent(payload);
    expect(reading.ok).toBe(false);
    expect(reading.ok ? '' : reading.reason).not.toBe('');
  });
});
