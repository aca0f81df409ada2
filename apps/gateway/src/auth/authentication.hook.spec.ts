import rateLimit from '@fastify/rate-limit';
import Fastify from 'fastify';
import { IdentityProviderUnavailableError, InvalidTokenError } from './auth.errors';
import { type CallerLogFields, registerAuthentication } from './authentication.hook';
import type { TokenVerifier } from './token-verifier';

const verifier = {
  verify: jest.fn(async (token: string) => {
    if (token === 'good') return { subject: 'user-1', name: 'Ada', roles: ['editor'], kind: 'user' as const };
    if (token === 'down') throw new IdentityProviderUnavailableError('The identity provider is not reachable; try again shortly');
    throw new InvalidTokenError('The access token has expired');
  }),
} as unknown as TokenVerifier;

async function app(withVerifier = true, max = 100) {
  const fastify = Fastify();
  registerAuthentication(fastify, withVerifier ? verifier : undefined);
  // As http-server.ts registers it: after authentication, keyed by subject.
  await fastify.register(rateLimit, { max, timeWindow: 60_000, hook: 'preHandler', keyGenerator: (request) => (request.caller ? `user:${request.caller.subject}` : request.ip) });
  fastify.get('/who', async (request) => ({
    caller: request.caller ?? null,
    failure: request.authFailure?.name ?? null,
    log: { subject: (request.raw as CallerLogFields).subject ?? null, clientAddress: (request.raw as CallerLogFields).clientAddress ?? null },
  }));
  return fastify;
}

const who = async (fastify: Awaited<ReturnType<typeof app>>, authorization?: string) =>
  (await fastify.inject({ url: '/who', headers: authorization ? { authorization } : {} })).json();

describe(registerAuthentication.name, () => {
  it('keeps the verified caller on the request, and its subject and address for the log line', async () => {
    expect(await who(await app(), 'Bearer good')).toEqual({
      caller: { subject: 'user-1', name: 'Ada', roles: ['editor'], kind: 'user' },
      failure: null,
      log: { subject: 'user-1', clientAddress: '127.0.0.1' },
    });
  });

  it('keeps why a token was refused, for the guard to decide', async () => {
    const fastify = await app();
    expect(await who(fastify, 'Bearer expired')).toMatchObject({ caller: null, failure: 'InvalidTokenError' });
    expect(await who(fastify, 'Bearer down')).toMatchObject({ caller: null, failure: 'IdentityProviderUnavailableError' });
    expect(await who(fastify, 'Basic dXNlcjpwYXNz')).toMatchObject({ caller: null, failure: 'InvalidTokenError' });
    expect(await who(fastify)).toMatchObject({ caller: null, failure: null, log: { subject: null, clientAddress: '127.0.0.1' } });
  });

  it('ignores Authorization with AUTH=off', async () => {
    expect(await who(await app(false), 'Bearer good')).toMatchObject({ caller: null, failure: null });
  });

  it('lets the rate limiter count a signed-in caller by subject, apart from anonymous callers at the same address', async () => {
    const fastify = await app(true, 2);
    const status = async (authorization?: string) => (await fastify.inject({ url: '/who', headers: authorization ? { authorization } : {} })).statusCode;
    expect([await status(), await status(), await status()]).toEqual([200, 200, 429]);
    expect([await status('Bearer good'), await status('Bearer good'), await status('Bearer good')]).toEqual([200, 200, 429]);
  });
});
