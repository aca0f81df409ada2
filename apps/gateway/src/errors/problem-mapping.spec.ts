import { BadRequestException, Logger, NotFoundException } from '@nestjs/common';
import { ErrorCode } from '@books/contracts';
import { RpcDisconnectedError, RpcNoRespondersError, RpcReplyError, RpcTimeoutError } from '@books/nats-rpc';
import { toProblem } from './problem-mapping';
import { RequestValidationException } from './request-validation.exception';

describe(toProblem.name, () => {
  it.each([
    [ErrorCode.ValidationFailed, 400],
    [ErrorCode.NotFound, 404],
    [ErrorCode.Conflict, 409],
    [ErrorCode.IdempotencyKeyReused, 409],
    [ErrorCode.VersionMismatch, 412],
    [ErrorCode.Unavailable, 503],
    [ErrorCode.Internal, 500],
  ])('maps reply code %s to HTTP %i', (code, status) => {
    const problem = toProblem(new RpcReplyError({ code, message: 'from the service' }));
    expect(problem).toMatchObject({ status, detail: 'from the service', type: expect.stringMatching(/^urn:books-catalogue:problem:/) });
  });

  it('tells no responders and disconnection (503) from a missed deadline (504)', () => {
    expect(toProblem(new RpcNoRespondersError('books.v1.get')).status).toBe(503);
    expect(toProblem(new RpcDisconnectedError('books.v1.get')).status).toBe(503);
    expect(toProblem(new RpcTimeoutError('books.v1.get', 3000))).toMatchObject({ status: 504, detail: expect.stringContaining('3000 ms') });
  });

  it('keeps field errors of validation failures', () => {
    const errors = [{ field: 'title', message: 'Title is required' }];
    expect(toProblem(new RequestValidationException(errors))).toMatchObject({ status: 400, errors });
    expect(toProblem(new RpcReplyError({ code: ErrorCode.ValidationFailed, message: 'x', errors }))).toMatchObject({ errors });
  });

  it("turns Fastify's parser errors into client problems", () => {
    const tooLarge = Object.assign(new Error('Request body is too large'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
    const mediaType = Object.assign(new Error('Unsupported Media Type'), { statusCode: 415 });
    expect(toProblem(tooLarge)).toMatchObject({ status: 413, type: 'urn:books-catalogue:problem:payload-too-large' });
    expect(toProblem(mediaType).status).toBe(415);
    expect(toProblem(new BadRequestException('Body is not valid JSON')).type).toContain('malformed-request');
    expect(toProblem(new NotFoundException('Cannot GET /api/x')).status).toBe(404);
  });

  it('logs unexpected failures with their stack but tells the client nothing of it', () => {
    const log = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const problem = toProblem(new TypeError("Cannot read properties of undefined (reading 'secret')"));
    expect(problem).toMatchObject({ status: 500, detail: 'The gateway failed to handle the request.' });
    expect(JSON.stringify(problem)).not.toContain('secret');
    expect(log).toHaveBeenCalledWith(expect.stringContaining('secret'));
  });
});
