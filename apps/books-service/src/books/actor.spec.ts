import { headers } from '@nats-io/transport-node';
import { ErrorCode } from '@books/contracts';
import { toBookEvent } from '../events/book-events.publisher';
import { actorFrom } from './actor-headers';
import { fakeWorld } from './testing/fake-world';

const input = { title: 'The Stand', author: 'Stephen King', year: 1978, score: 8, read: false };
const ada = { subject: 'user-1', name: 'Ada Editor', kind: 'user' as const };
const cli = { subject: 'books-cli', name: 'Books CLI', kind: 'client' as const };

describe('the actor of a change', () => {
  it('is recorded with its subject on the change and published by display name only', async () => {
    const { service, repository, publisher } = fakeWorld();
    const book = await service.create({ book: input }, { requestId: 'r1', actor: ada });
    expect(repository.changes.get(`${book.id}:1`)?.actor).toEqual(ada);
    const event = toBookEvent(publisher.stream[0]);
    expect(event.actor).toEqual({ name: 'Ada Editor', kind: 'user' });
    expect(JSON.stringify(event)).not.toContain('user-1');
  });

  it('is recorded on updates, deletes, restores and every record of an import', async () => {
    const { service, repository } = fakeWorld();
    const book = await service.create({ book: input }, { actor: ada });
    await service.update(book.id, { read: true }, undefined, { actor: cli });
    await service.delete(book.id, undefined, { actor: ada });
    await service.restore(book.id, undefined, { actor: cli });
    const imported = '0b9e7d52-1c3a-4f6b-8e2d-7a5c4b3e2f1a';
    await service.import({ books: [{ id: imported, book: { ...input, title: 'Earth Abides' } }, { id: book.id, book: { ...input, score: 3 } }] }, { actor: ada });
    const actors = [2, 3, 4, 5].map((version) => repository.changes.get(`${book.id}:${version}`)?.actor?.subject);
    expect(actors).toEqual(['books-cli', 'user-1', 'books-cli', 'user-1']);
    expect(repository.changes.get(`${imported}:1`)?.actor).toEqual(ada);
  });

  it('is absent from changes made without sign-in, and from their events', async () => {
    const { service, repository, publisher } = fakeWorld();
    const book = await service.create({ book: input }, { requestId: 'r1' });
    expect(repository.changes.get(`${book.id}:1`)).not.toHaveProperty('actor');
    expect(toBookEvent(publisher.stream[0])).not.toHaveProperty('actor');
  });

  it('shows in the history with its subject (the gateway strips that for non-admins)', async () => {
    const { service } = fakeWorld();
    const book = await service.create({ book: input });
    await service.update(book.id, { read: true }, undefined, { actor: ada });
    const { items } = await service.history(book.id, undefined, 10);
    expect(items.map((item) => item.actor)).toEqual([ada, undefined]);
    expect(items[1]).not.toHaveProperty('actor');
  });
});

describe(actorFrom.name, () => {
  const from = (values: Record<string, string>) => {
    const h = headers();
    for (const [name, value] of Object.entries(values)) h.set(name, value);
    return actorFrom(h);
  };

  it('reads the three actor headers, UTF-8 names included', () => {
    expect(from({ 'books-actor-subject': 'user-1', 'books-actor-name': 'Émile Zoë', 'books-actor-kind': 'user' })).toEqual({ subject: 'user-1', name: 'Émile Zoë', kind: 'user' });
  });

  it('finds no actor without headers', () => {
    expect(actorFrom(undefined)).toBeUndefined();
    expect(from({ 'x-request-id': 'r1' })).toBeUndefined();
  });

  it.each([
    [{ 'books-actor-subject': 'user-1' }],
    [{ 'books-actor-subject': 'user-1', 'books-actor-name': 'Ada', 'books-actor-kind': 'robot' }],
    [{ 'books-actor-subject': 'has space', 'books-actor-name': 'Ada', 'books-actor-kind': 'user' }],
  ])('refuses incomplete or malformed actor headers %j instead of recording them wrongly', (values) => {
    expect(() => from(values)).toThrow(expect.objectContaining({ code: ErrorCode.ValidationFailed }));
  });
});
