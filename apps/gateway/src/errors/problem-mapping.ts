import { HttpException, HttpStatus, Logger } from '@nestjs/common';
import { ErrorCode, type ReplyError } from '@books/contracts';
import { RpcDisconnectedError, RpcNoRespondersError, RpcReplyError, RpcTimeoutError } from '@books/nats-rpc';
import { type Problem, type ProblemType, ProblemTypes, problem } from './problem';
import { RequestValidationException } from './request-validation.exception';
import { AccessDeniedException } from '../auth/access-denied.exception';

/** The one place where books-service reply codes become HTTP statuses. */
const REPLY_CODE_PROBLEMS: Record<ErrorCode, ProblemType> = {
  [ErrorCode.ValidationFailed]: ProblemTypes.validationFailed,
  [ErrorCode.NotFound]: ProblemTypes.notFound,
  [ErrorCode.VersionMismatch]: ProblemTypes.versionMismatch,
  [ErrorCode.Conflict]: ProblemTypes.conflict,
  [ErrorCode.IdempotencyKeyReused]: ProblemTypes.idempotencyKeyReused,
  [ErrorCode.Unavailable]: ProblemTypes.unavailable,
  [ErrorCode.OutcomeUnknown]: ProblemTypes.outcomeUnknown,
  [ErrorCode.Internal]: ProblemTypes.internal,
};

const PROBLEMS_BY_STATUS = new Map<number, ProblemType>(
  Object.values(ProblemTypes)
    .filter((type) => type.status !== 400 && type !== ProblemTypes.idempotencyKeyReused && type !== ProblemTypes.outcomeUnknown && type !== ProblemTypes.identityProviderUnavailable)
    .map((type) => [type.status, type]),
);

const logger = new Logger('Problems');

/**
 * Turns anything a request can fail with into problem details: our own exceptions, RPC
 * failures, Nest's HTTP exceptions, and Fastify's parser errors (bad JSON, too large,
 * wrong content type). Only client errors keep their message; a 5xx says what failed
 * in words and never carries a stack trace.
 */
export function toProblem(error: unknown): Problem {
  if (error instanceof RequestValidationException) {
    return problem(ProblemTypes.validationFailed, 'One or more fields are not valid; see errors.', error.errors);
  }
  if (error instanceof AccessDeniedException) return error.problem;
  if (error instanceof RpcReplyError) return fromReply(error.reply);
  if (error instanceof RpcNoRespondersError || error instanceof RpcDisconnectedError) {
    return problem(ProblemTypes.unavailable, 'No books-service replica is reachable right now. Try again shortly.');
  }
  if (error instanceof RpcTimeoutError) {
    return problem(ProblemTypes.timeout, `The books-service did not answer within ${error.timeoutMs} ms.`);
  }
  if (error instanceof HttpException && error.getStatus() < 500) {
    return problem(problemTypeFor(error.getStatus()), error.message);
  }
  const status = httpStatusOf(error);
  if (status !== undefined && status >= 400 && status < 500) {
    // Fastify's own client errors while reading the request: FST_ERR_CTP_*, JSON syntax errors.
    return problem(problemTypeFor(status), (error as Error).message);
  }
  logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return problem(ProblemTypes.internal, 'The gateway failed to handle the request.');
}

/** Client errors that are not validation failures: unreadable bodies, unknown routes and the like. */
function problemTypeFor(status: number): ProblemType {
  if (status === 400) return ProblemTypes.malformedRequest;
  return PROBLEMS_BY_STATUS.get(status) ?? { status, slug: `http-${status}`, title: HttpStatus[status] ?? 'Client error' };
}

function fromReply(reply: ReplyError): Problem {
  const type = REPLY_CODE_PROBLEMS[reply.code] ?? ProblemTypes.internal;
  return problem(type, reply.message, reply.errors);
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' ? status : undefined;
}
