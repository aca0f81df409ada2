import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { GatewayConfig } from '../config/gateway.config';
import { AccessDeniedException } from './access-denied.exception';
import { ACCESS_RULE, type AccessRule } from './access.decorators';
import { IdentityProviderUnavailableError } from './auth.errors';
import { hasRole } from './caller';

/**
 * Applies each route's access rule to the caller the authentication hook found
 * (registerAuthentication). A route without a rule is refused: forgetting one is a bug
 * that must not open a route.
 *
 * On public and (by default) read routes a token that does not verify is ignored: the
 * caller is anonymous, so reads keep working while the identity provider is down or a
 * browser holds an expired token. Rate limits then count it by address.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly config: GatewayConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [context.getHandler(), context.getClass()]);
    if (!rule) throw new Error(`${context.getClass().name}.${context.getHandler().name} has no access rule (@Public, @Reads or @Requires)`);
    if (this.config.AUTH === 'off' || rule.kind === 'public') return true;
    if (rule.kind === 'read' && !this.config.READS_REQUIRE_SIGN_IN) return true;

    const { caller, authFailure } = context.switchToHttp().getRequest<FastifyRequest>();
    if (!caller) {
      if (authFailure instanceof IdentityProviderUnavailableError) throw AccessDeniedException.cannotCheck(authFailure.message);
      if (authFailure) throw AccessDeniedException.invalidToken(authFailure.message);
      throw AccessDeniedException.signInRequired();
    }
    if (rule.kind === 'role' && !hasRole(caller, rule.role)) throw AccessDeniedException.missingRole(rule.role);
    return true;
  }
}
