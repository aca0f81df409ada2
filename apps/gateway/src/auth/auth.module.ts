import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { GatewayConfig } from '../config/gateway.config';
import { AccessGuard } from './access.guard';
import { AuthConfigController } from './auth-config.controller';
import { TokenVerifier } from './token-verifier';

/**
 * Sign-in: the token verifier (none with AUTH=off), the access rules on every route, and the
 * settings the web app signs in with. The verifier runs in a Fastify hook (http-server.ts).
 */
@Module({
  controllers: [AuthConfigController],
  providers: [
    { provide: TokenVerifier, inject: [GatewayConfig], useFactory: (config: GatewayConfig) => (config.AUTH === 'oidc' ? new TokenVerifier(config) : null) },
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [TokenVerifier],
})
export class AuthModule {}
