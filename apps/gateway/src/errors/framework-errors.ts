import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type Problem, ProblemTypes, problem } from './problem';
import { sendProblem } from './problem-details.filter';

/**
 * Answers what Fastify's router refuses before any route runs (a URL that is not valid
 * percent-encoding, a path segment past maxParamLength) with problem details like every
 * other error. Fastify's own answer would echo the whole URL back.
 */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  sendProblem(request, reply, problemFor(error));
}

function problemFor(error: FastifyError): Problem {
  switch (error.code) {
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return problem(ProblemTypes.uriTooLong, 'A path segment of the URL is longer than any valid value.');
    case 'FST_ERR_BAD_URL':
      return problem(ProblemTypes.malformedRequest, 'The URL is not valid percent-encoded UTF-8.');
    default:
      return problem(ProblemTypes.malformedRequest, 'The request could not be routed.');
  }
}
