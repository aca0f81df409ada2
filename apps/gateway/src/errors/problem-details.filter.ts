import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE, type Problem } from './problem';
import { toProblem } from './problem-mapping';
import { AccessDeniedException } from '../auth/access-denied.exception';

/** Every error leaves the gateway as application/problem+json. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    if (exception instanceof AccessDeniedException && exception.challenge) http.getResponse<FastifyReply>().header('www-authenticate', exception.challenge);
    sendProblem(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), toProblem(exception));
  }
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: Problem): void {
  const body: Problem = { ...problem, instance: request.url.split('?')[0], requestId: request.id };
  if (problem.status === 503) reply.header('retry-after', '1');
  void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).header('cache-control', 'no-store').send(body);
}
