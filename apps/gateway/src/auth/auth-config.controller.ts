import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { GatewayConfig } from '../config/gateway.config';
import { Public } from './access.decorators';

/** The scopes the web app asks for: an ID token, the name, the roles, and a refresh token. */
const WEB_SCOPE = 'openid profile roles offline_access';

export type AuthSettings =
  | { enabled: false }
  | { enabled: true; issuer: string; clientId: string; scope: string; audience: string; readsRequireSignIn: boolean };

/** Tells the web app whether and where to sign in, so one build runs against any identity provider. */
@ApiTags('auth')
@Controller('auth')
export class AuthConfigController {
  constructor(private readonly config: GatewayConfig) {}

  @Get('config')
  @Public()
  // Short: a changed setting reaches browsers within a minute of a restart.
  @Header('cache-control', 'public, max-age=60')
  @ApiOperation({ summary: 'Sign-in settings for the web app: the OpenID Connect issuer, client id, scope and API audience' })
  @ApiOkResponse({
    description:
      '{ enabled: true, issuer, clientId, scope, audience, readsRequireSignIn }, or { enabled: false } when sign-in is off. readsRequireSignIn: reading the catalogue (lists, books, history, export, the event stream) needs a token, so the app asks visitors to sign in first',
  })
  settings(): AuthSettings {
    if (this.config.AUTH === 'off' || !this.config.OIDC_ISSUER) return { enabled: false };
    return {
      enabled: true,
      issuer: this.config.OIDC_ISSUER,
      clientId: this.config.OIDC_WEB_CLIENT_ID,
      scope: WEB_SCOPE,
      audience: this.config.OIDC_AUDIENCE,
      // The web app shows "Sign in to see the catalogue" instead of a list that would only fail,
      // and sends its token on the event stream (which EventSource cannot).
      readsRequireSignIn: this.config.READS_REQUIRE_SIGN_IN,
    };
  }
}
