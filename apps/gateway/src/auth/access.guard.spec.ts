import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ArgumentsHost, ExecutionContext } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { MetricsController } from '@books/server-kit';
import { GatewayConfig } from '../config/gateway.config';
import { ProblemDetailsFilter } from '../errors/problem-details.filter';
import { toProblem } from '../errors/problem-mapping';
import { AccessDeniedException } from './access-denied.exception';
import { ACCESS_RULE, Public, Reads, Requires } from './access.decorators';
import { AccessGuard } from './access.guard';
import { IdentityProviderUnavailableError, InvalidTokenError } from './auth.errors';
import type { Caller } from './caller';
import '../app.module';

class Routes {
  @Public() open(): string {
    return 'open';
  }
  @Reads() read(): string {
    return 'read';
  }
  @Requires('editor') edit(): string {
    return 'edit';
  }
  @Requires('admin') importBooks(): string {
    return 'importBooks';
  }
  forgotten(): string {
    return 'forgotten';
  }
}

function context(handler: keyof Routes, request: object): ExecutionContext {
  return {
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

const oidc = new GatewayConfig({ OIDC_ISSUER: 'http://127.0.0.1:4100' });
const guard = (config = oidc) => new AccessGuard(new Reflector(), config);
const caller = (...roles: string[]): Caller => ({ subject: 'user-1', name: 'Ada', roles, kind: 'user' });

/** What the guard answers: ok, or the status and WWW-Authenticate of its refusal. */
function outcome(handler: keyof Routes, request: object, config = oidc): string {
  try {
    return guard(config).canActivate(context(handler, request)) ? 'ok' : 'refused';
  } catch (error) {
    if (!(error instanceof AccessDeniedException)) throw error;
    return `${toProblem(error).status} ${error.challenge ?? ''}`.trim();
  }
}

describe(AccessGuard.name, () => {
  it.each([
    ['edit', {}, '401 Bearer realm="books"'],
    ['edit', { authFailure: new InvalidTokenError('The access token has expired') }, '401 Bearer realm="books", error="invalid_token"'],
    ['edit', { authFailure: new IdentityProviderUnavailableError('down') }, '503'],
    ['edit', { caller: caller() }, '403 Bearer realm="books", error="insufficient_scope"'],
    ['edit', { caller: caller('reader') }, '403 Bearer realm="books", error="insufficient_scope"'],
    ['edit', { caller: caller('editor') }, 'ok'],
    ['edit', { caller: caller('admin') }, 'ok'],
    ['importBooks', {}, '401 Bearer realm="books"'],
    ['importBooks', { caller: caller('editor') }, '403 Bearer realm="books", error="insufficient_scope"'],
    ['importBooks', { caller: caller('admin') }, 'ok'],
    ['read', {}, 'ok'],
    ['read', { authFailure: new InvalidTokenError('The access token has expired') }, 'ok'],
    ['read', { authFailure: new IdentityProviderUnavailableError('down') }, 'ok'],
    ['open', {}, 'ok'],
  ] as const)('%s with %j: %s', (handler, request, expected) => {
    expect(outcome(handler, request)).toBe(expected);
  });

  it('asks for sign-in on reads with READS_REQUIRE_SIGN_IN, but no role', () => {
    const signedInReads = new GatewayConfig({ OIDC_ISSUER: 'http://127.0.0.1:4100', READS_REQUIRE_SIGN_IN: 'true' });
    expect(outcome('read', {}, signedInReads)).toBe('401 Bearer realm="books"');
    expect(outcome('read', { caller: caller() }, signedInReads)).toBe('ok');
    expect(outcome('open', {}, signedInReads)).toBe('ok');
  });

  it('lets everything through with AUTH=off', () => {
    const off = new GatewayConfig({ AUTH: 'off' });
    expect(outcome('importBooks', {}, off)).toBe('ok');
  });

  it('refuses a route without an access rule, whatever the settings', () => {
    expect(() => outcome('forgotten', { caller: caller('admin') })).toThrow(/Routes.forgotten has no access rule/);
    expect(() => outcome('forgotten', {}, new GatewayConfig({ AUTH: 'off' }))).toThrow(/no access rule/);
  });

  it('answers with problem details that name no token contents', () => {
    const problem = toProblem(AccessDeniedException.invalidToken('The access token has expired'));
    expect(problem).toEqual({
      type: 'urn:books-catalogue:problem:unauthorized',
      title: 'Sign-in required',
      status: 401,
      detail: 'The access token has expired.',
    });
    expect(toProblem(AccessDeniedException.missingRole('admin'))).toMatchObject({ status: 403, type: 'urn:books-catalogue:problem:forbidden' });
    expect(toProblem(AccessDeniedException.cannotCheck('down'))).toMatchObject({ status: 503, type: 'urn:books-catalogue:problem:identity-provider-unavailable' });
  });
});

/** Every controller of the gateway, found by file name, and server-kit's /metrics. */
type Controller = abstract new (...args: never[]) => object;

function controllers(): Controller[] {
  const found: Controller[] = [MetricsController];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.controller.ts')) {
        for (const exported of Object.values(require(path) as Record<string, unknown>)) {
          if (typeof exported === 'function' && Reflect.getMetadata(PATH_METADATA, exported) !== undefined) found.push(exported as Controller);
        }
      }
    }
  };
  walk(join(__dirname, '..'));
  return found;
}

describe('every route', () => {
  const routes = controllers().flatMap((controller) =>
    Object.getOwnPropertyNames(controller.prototype)
      .filter((name) => Reflect.getMetadata(METHOD_METADATA, (controller.prototype as Record<string, () => unknown>)[name]) !== undefined)
      .map((name) => [`${controller.name}.${name}`, controller, (controller.prototype as Record<string, () => unknown>)[name]] as const),
  );

  it('are found (books, transfer, events, health, auth, metrics)', () => {
    expect(routes.length).toBeGreaterThanOrEqual(15);
  });

  it.each(routes)('%s has an access rule', (_, controller, handler) => {
    expect(new Reflector().getAllAndOverride(ACCESS_RULE, [handler, controller])).toBeDefined();
  });

  it('reads are open and changes need editor, import admin', () => {
    const rules = Object.fromEntries(routes.map(([name, controller, handler]) => [name, new Reflector().getAllAndOverride(ACCESS_RULE, [handler, controller])]));
    expect(rules).toMatchObject({
      'BooksController.list': { kind: 'read' },
      'BooksController.get': { kind: 'read' },
      'BooksController.history': { kind: 'read' },
      'BooksController.create': { kind: 'role', role: 'editor' },
      'BooksController.replace': { kind: 'role', role: 'editor' },
      'BooksController.patch': { kind: 'role', role: 'editor' },
      'BooksController.remove': { kind: 'role', role: 'editor' },
      'BooksController.restore': { kind: 'role', role: 'editor' },
      'BooksTransferController.import': { kind: 'role', role: 'admin' },
      'BooksTransferController.export': { kind: 'read' },
      'BookEventsController.follow': { kind: 'read' },
      'AuthConfigController.settings': { kind: 'public' },
    });
  });
});

describe('a refusal on the wire', () => {
  function send(exception: unknown) {
    const headers: Record<string, string> = {};
    let status = 0;
    let body: unknown;
    const reply = {
      header: (name: string, value: string) => ((headers[name] = value), reply),
      status: (code: number) => ((status = code), reply),
      send: (payload: unknown) => ((body = payload), reply),
    };
    const host = { switchToHttp: () => ({ getRequest: () => ({ url: '/api/books?x=1', id: 'req-1' }), getResponse: () => reply }) } as unknown as ArgumentsHost;
    new ProblemDetailsFilter().catch(exception, host);
    return { status, headers, body };
  }

  it('is problem+json with the RFC 6750 challenge', () => {
    expect(send(AccessDeniedException.invalidToken('The access token has expired'))).toMatchObject({
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="books", error="invalid_token"', 'content-type': 'application/problem+json; charset=utf-8', 'cache-control': 'no-store' },
      body: { type: 'urn:books-catalogue:problem:unauthorized', instance: '/api/books', requestId: 'req-1' },
    });
    expect(send(AccessDeniedException.missingRole('editor')).headers['www-authenticate']).toBe('Bearer realm="books", error="insufficient_scope"');
    expect(send(AccessDeniedException.cannotCheck('down'))).toMatchObject({ status: 503, headers: { 'retry-after': '1' } });
    expect(send(AccessDeniedException.cannotCheck('down')).headers).not.toHaveProperty('www-authenticate');
  });
});
