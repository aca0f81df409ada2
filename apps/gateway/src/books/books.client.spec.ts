import type { Book, BookPage } from '@books/contracts';
import type { NatsRpcClient } from '@books/nats-rpc';
import type { GatewayConfig } from '../config/gateway.config';
import type { BookReadCache } from './book-read.cache';
import { BooksClient } from './books.client';

function setup() {
  const rpc = { request: jest.fn().mockResolvedValue({ id: 'b1', version: 2 }) };
  const cache = {
    latestSeen: 0,
    covers: (position: number | undefined) => position === undefined || position <= 10,
    list: jest.fn((_request: unknown, load: () => Promise<BookPage>) => load()),
    book: (_id: string, load: () => Promise<Book>) => load(),
    invalidate: jest.fn(),
    invalidateLists: jest.fn(),
  };
  const config = { NATS_REQUEST_TIMEOUT_MS: 3_000 } as GatewayConfig;
  const sut = new BooksClient(rpc as unknown as NatsRpcClient, config, cache as unknown as BookReadCache);
  const options = () => {
    const { timeoutMs, requestId, idempotent, headers } = rpc.request.mock.lastCall?.[2] ?? {};
    return { timeoutMs, requestId, idempotent, ...(headers ? { headers } : {}) };
  };
  return { sut, cache, options, rpc };
}

describe(BooksClient.name, () => {
  it('sends reads with the deadline, as retryable', async () => {
    const { sut, options } = setup();
    await sut.get('b1', 'req-1');
    expect(options()).toEqual({ timeoutMs: 3_000, requestId: 'req-1', idempotent: true });
    await sut.list({ offset: 0, limit: 8, sort: 'author' }, 'req-2');
    expect(options()).toEqual({ timeoutMs: 3_000, requestId: 'req-2', idempotent: true });
  });

  it('never retries a write, unless it is a create with an Idempotency-Key', async () => {
    const { sut, options } = setup();
    await sut.update({ id: 'b1', changes: { read: true } }, 'req-1');
    expect(options()).toEqual({ timeoutMs: 3_000, requestId: 'req-1', idempotent: false });
    await sut.delete({ id: 'b1' }, 'req-2');
    expect(options()).toEqual({ timeoutMs: 3_000, requestId: 'req-2', idempotent: false });
    await sut.create({ book: { title: 'T', author: 'A' } }, 'req-3');
    expect(options()).toEqual({ timeoutMs: 3_000, requestId: 'req-3', idempotent: false });
    await sut.create({ book: { title: 'T', author: 'A' }, idempotencyKey: 'k-1' }, 'req-4');
    expect(options()).toEqual({ timeoutMs: 3_000, requestId: 'req-4', idempotent: true });
  });

  it('hands a write the position its reply names, and makes later reads include it', async () => {
    const { sut, rpc, cache, options } = setup();
    // A position this gateway's cache has seen: served through the cache.
    await sut.list({ offset: 0, limit: 8, sort: 'author' }, 'req-1', 7);
    expect(cache.list).toHaveBeenCalledTimes(1);
    rpc.request.mockImplementationOnce(async (_subject, _payload, { onReplyHeaders }) => {
      onReplyHeaders(new Map([['books-position', '42']]));
      return { id: 'b1', version: 3 };
    });
    expect(await sut.update({ id: 'b1', changes: { read: true } }, 'req-2')).toEqual({ value: { id: 'b1', version: 3 }, position: 42 });
    // Every later read through this gateway includes the write, even one that names no position;
    // the cache has not seen it, so the read goes to a replica, which waits for it.
    await sut.list({ offset: 0, limit: 8, sort: 'author' }, 'req-3');
    expect(options()).toEqual({ timeoutMs: 3_000, requestId: 'req-3', idempotent: true, headers: { 'books-min-position': '42' } });
    expect(cache.list).toHaveBeenCalledTimes(1);
  });

  it('makes a read include every event this gateway has relayed', async () => {
    const { sut, cache, options } = setup();
    cache.latestSeen = 9;
    await sut.get('b1', 'req-1');
    expect(options()).toEqual({ timeoutMs: 3_000, requestId: 'req-1', idempotent: true, headers: { 'books-min-position': '9' } });
  });

  it('drops the written book from the cache even when the write fails', async () => {
    const { sut, cache } = setup();
    const rpc = (sut as unknown as { rpc: { request: jest.Mock } }).rpc;
    rpc.request.mockRejectedValueOnce(new Error('timeout'));
    await expect(sut.update({ id: 'b1', changes: { read: true } }, 'req-1')).rejects.toThrow('timeout');
    expect(cache.invalidate).toHaveBeenCalledWith('b1');
  });

  it('tells the books-service who asks for each write, from the verified caller only', async () => {
    const { sut, options } = setup();
    const caller = { subject: 'user-1', name: 'Ada Lovelace', roles: ['editor'], kind: 'user' as const };
    const actor = { 'books-actor-subject': 'user-1', 'books-actor-name': 'Ada Lovelace', 'books-actor-kind': 'user' };
    await sut.create({ book: { title: 'T', author: 'A' } }, 'req-1', caller);
    expect(options().headers).toEqual(actor);
    await sut.update({ id: 'b1', changes: { read: true } }, 'req-2', caller);
    expect(options().headers).toEqual(actor);
    await sut.delete({ id: 'b1' }, 'req-3', caller);
    expect(options().headers).toEqual(actor);
    await sut.restore({ id: 'b1' }, 'req-4', caller);
    expect(options().headers).toEqual(actor);
    await sut.update({ id: 'b1', changes: { read: true } }, 'req-5');
    expect(options().headers).toBeUndefined();
  });
});
