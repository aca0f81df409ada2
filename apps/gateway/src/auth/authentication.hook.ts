import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { IdentityProviderUnavailableError, InvalidTokenError } from './auth.errors';
import type { Caller } from './caller';
import type { TokenVerifier } from './token-verifier';

/** What the request log line adds about the caller (see loggingModule's requestProps). */
export interface CallerLogFields {
  subject?: string;
  clientAddress?: string;
}

const logger = new Logger('Authentication');

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * Checks the bearer token of every request once, first thing (onRequest), and keeps the
 * outcome on the request: the rate limiter, which runs later (preHandler), counts a signed-in
 * caller by subject, and the AccessGuard applies the route's rule. With AUTH=off (no
 * verifier) an Authorization header is ignored.
 */
export function registerAuthentication(fastify: FastifyInstance, verifier: TokenVerifier | undefined): void {
  fastify.decorateRequest('caller', undefined);
  fastify.decorateRequest('authFailure', undefined);
  fastify.addHook('onRequest', async (request) => {
    const log = request.raw as typeof request.raw & CallerLogFields;
    log.clientAddress = request.ip;
    if (!verifier) return;
    const outcome = await authenticate(request, verifier);
    if ('caller' in outcome) {
      request.caller = outcome.caller;
      log.subject = outcome.caller.subject;
    } else if (outcome.failure) {
      request.authFailure = outcome.failure;
    }
  });
}

async function authenticate(request: FastifyRequest, verifier: TokenVerifier): Promise<{ caller: Caller } | { failure?: InvalidTokenError | IdentityProviderUnavailableError }> {
  const header = request.headers.authorization;
  if (header === undefined) return {};
  const token = BEARER.exec(header)?.[1];
  if (!token) return { failure: new InvalidTokenError('The Authorization header must be "Bearer" and an access token') };
  try {
    return { caller: await verifier.verify(token) };
  } catch (error) {
    if (error instanceof InvalidTokenError || error instanceof IdentityProviderUnavailableError) return { failure: error };
    logger.error(`Checking an access token failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return { failure: new IdentityProviderUnavailableError('The access token could not be checked; try again shortly') };
  }
}
