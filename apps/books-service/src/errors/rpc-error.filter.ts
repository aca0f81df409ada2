import { Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import {
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';
import { type Observable, throwError } from 'rxjs';
import { ErrorCode, type ReplyError } from '@books/contracts';
import { DomainError } from './domain.errors';

const DATABASE_UNREACHABLE = [
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
];

/**
 * The one place where the service turns failures into reply error codes. Domain errors
 * keep their code and message; an unreachable database is UNAVAILABLE; anything else is
 * logged with its stack here and leaves as a bare INTERNAL, so no internals leak.
 */
@Catch()
export class RpcErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('BooksService');

  catch(exception: unknown): Observable<never> {
    return throwError(() => this.toReplyError(exception));
  }

  private toReplyError(exception: unknown): ReplyError {
    if (exception instanceof DomainError) {
      return exception.errors
        ? { code: exception.code, message: exception.message, errors: exception.errors }
        : { code: exception.code, message: exception.message };
    }
    if (DATABASE_UNREACHABLE.some((type) => exception instanceof type)) {
      this.logger.warn(`Database unavailable: ${(exception as Error).message}`);
      return { code: ErrorCode.Unavailable, message: 'The database is not reachable right now' };
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return { code: ErrorCode.Internal, message: 'The books-service failed to handle the request' };
  }
}
