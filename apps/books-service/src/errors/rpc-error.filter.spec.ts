import { Logger } from '@nestjs/common';
import { MongoNetworkError, MongoServerSelectionError } from 'mongodb';
import { firstValueFrom } from 'rxjs';
import { ErrorCode } from '@books/contracts';
import { BookNotFoundError, InvalidPayloadError } from './domain.errors';
import { RpcErrorFilter } from './rpc-error.filter';

/** What the filter sends back to the caller for this exception. */
async function replyFor(exception: unknown): Promise<unknown> {
  const reply = firstValueFrom(new RpcErrorFilter().catch(exception));
  await expect(reply).rejects.toBeDefined();
  return reply.catch((error: unknown) => error);
}

describe(RpcErrorFilter.name, () => {
  let warn: jest.SpyInstance;
  let error: jest.SpyInstance;

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('keeps a domain error its code and message', async () => {
    expect(await replyFor(new BookNotFoundError('b1'))).toEqual({ code: ErrorCode.NotFound, message: 'There is no book with id b1' });
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
  });

  it('passes the field errors of a validation failure on', async () => {
    const errors = [{ field: 'title', message: 'Required' }];
    expect(await replyFor(new InvalidPayloadError(errors))).toEqual({
      code: ErrorCode.ValidationFailed,
      message: 'The request is not valid',
      errors,
    });
  });

  it.each([
    ['a network error', new MongoNetworkError('connection refused')],
    ['no server to select', new MongoServerSelectionError('timed out', { type: 'Unknown', servers: new Map() } as never)],
  ])('answers UNAVAILABLE for %s, with a warning', async (_, exception) => {
    expect(await replyFor(exception)).toEqual({ code: ErrorCode.Unavailable, message: 'The database is not reachable right now' });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(exception.message));
  });

  it('answers a bare INTERNAL for anything else, logging the stack but not leaking it', async () => {
    const bug = new TypeError('secret internals: cannot read x of undefined');
    const reply = await replyFor(bug);
    expect(reply).toEqual({ code: ErrorCode.Internal, message: 'The books-service failed to handle the request' });
    expect(JSON.stringify(reply)).not.toContain('secret');
    expect(error).toHaveBeenCalledWith(bug.stack);
    expect(await replyFor('a thrown string')).toEqual({ code: ErrorCode.Internal, message: expect.any(String) });
    expect(error).toHaveBeenLastCalledWith('a thrown string');
  });
});
