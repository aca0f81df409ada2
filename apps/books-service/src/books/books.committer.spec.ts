import { ErrorCode } from '@books/contracts';
import { fakeWorld } from './testing/fake-world';

const input = { title: 'Earth Abides', author: 'George R. Stewart', year: 1949, score: 9, read: false };

describe('BooksCommitter', () => {
  it('commits concurrent writes to one book as consecutive versions in one round: three commands for ten writes', async () => {
    const { service, repository, publisher } = fakeWorld();
    const book = await service.create({ book: input });
    repository.commands = [];
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => service.update(book.id, { title: `take ${i}` }, undefined)));
    expect(results.map((result) => result.version).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    // First records, the rest of the chain, one apply of the newest state.
    expect(repository.commands).toEqual(['insert', 'insert', 'update']);
    expect(repository.books.get(book.id)?.version).toBe(11);
    expect(publisher.stream.map((change) => change.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('commits writes to different books together: two commands for the round', async () => {
    const { service, repository } = fakeWorld();
    const books = await Promise.all(Array.from({ length: 5 }, (_, i) => service.create({ book: { ...input, title: `Book ${i}` } })));
    repository.commands = [];
    await Promise.all(books.map((book) => service.update(book.id, { read: true }, 1)));
    expect(repository.commands).toEqual(['insert', 'update']);
  });

  it('gives exactly one of several If-Match writers in a round the version, 412 to the rest', async () => {
    const { service, book } = await (async () => {
      const world = fakeWorld();
      return { ...world, book: await world.service.create({ book: input }) };
    })();
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => service.update(book.id, { title: `if-match ${i}` }, 1)));
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((result) => result.status === 'rejected').map((result) => (result as PromiseRejectedResult).reason.code)).toEqual(
      Array(4).fill(ErrorCode.VersionMismatch),
    );
  });

  it('commits nothing and answers UNAVAILABLE when the outbox cannot be written', async () => {
    const { service, repository, outbox } = fakeWorld();
    outbox.failNextAdd = true;
    await expect(service.create({ book: input })).rejects.toMatchObject({ code: ErrorCode.Unavailable });
    expect(repository.changes.size).toBe(0);
  });

  it('answers OUTCOME_UNKNOWN when the commit fails and cannot be read back, keeping the change in the outbox', async () => {
    const { service, repository, outbox } = fakeWorld();
    repository.failNext = 'commit';
    const reading = repository.findChange.bind(repository);
    repository.findChange = async () => {
      throw new Error('database away');
    };
    await expect(service.create({ book: input })).rejects.toMatchObject({ code: ErrorCode.OutcomeUnknown });
    expect(outbox.own.size).toBe(1);
    repository.findChange = reading;
  });

  it('reads back a commit whose reply was lost and answers its success', async () => {
    const { service, repository } = fakeWorld();
    const commit = repository.commit.bind(repository);
    repository.commit = async (changes, ordered) => {
      repository.commit = commit;
      await commit(changes, ordered);
      throw new Error('connection reset after the write');
    };
    expect(await service.create({ book: input })).toMatchObject({ version: 1 });
    expect(repository.changes.size).toBe(1);
  });

  it('still publishes a committed change after a write built on the state before it lost that version', async () => {
    const { service, publisher, outbox, relay } = fakeWorld();
    const book = await service.create({ book: input });
    publisher.down = true;
    // Committed, answered, its event not out: the replica still knows the book at version 1.
    expect(await service.update(book.id, { title: 'committed while NATS was away' }, undefined)).toMatchObject({ version: 2 });
    // Built on version 1 too: version 2 is taken, and the write waits for its event until the deadline.
    await expect(service.update(book.id, { title: 'built on version 1' }, undefined)).rejects.toMatchObject({ code: ErrorCode.Unavailable });
    publisher.down = false;
    await relay.sweep();
    expect(publisher.stream.map((change) => [change.version, change.book?.title])).toEqual([
      [1, input.title],
      [2, 'committed while NATS was away'],
    ]);
    expect(outbox.own.size).toBe(0);
  });

  it('answers success once committed even when publishing fails, and leaves the change to the relay', async () => {
    const { service, publisher, outbox, relay } = fakeWorld();
    publisher.failNext = true;
    const book = await service.create({ book: input });
    expect(book.version).toBe(1);
    expect(publisher.stream).toHaveLength(0);
    expect(outbox.own.size).toBe(1);
    await relay.sweep();
    expect(publisher.stream.map((change) => change.bookId)).toEqual([book.id]);
    expect(outbox.own.size).toBe(0);
  });
});
