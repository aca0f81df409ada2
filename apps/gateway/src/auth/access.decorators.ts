import { SetMetadata, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiProblemResponses } from '../openapi/api-problem-responses.decorator';
import type { Role } from './caller';

/** The name of the bearer security scheme in the OpenAPI document. */
export const BEARER_SCHEME = 'bearer';
export const ACCESS_RULE = 'books:access-rule';

/**
 * Who may call a route. Every route has exactly one rule, the AccessGuard refuses to run one
 * without (and a unit test lists every route), so a new route cannot be open by accident.
 * - public: anyone, always (health, the sign-in settings).
 * - read: anyone, unless READS_REQUIRE_SIGN_IN; then any signed-in caller.
 * - role: a signed-in caller with that role (admin includes editor).
 */
export type AccessRule = { kind: 'public' } | { kind: 'read' } | { kind: 'role'; role: Role };

/** Open to anyone, signed in or not, whatever the settings. */
export const Public = () => SetMetadata(ACCESS_RULE, { kind: 'public' } satisfies AccessRule);

/** Reading the catalogue: public by default, signed-in only with READS_REQUIRE_SIGN_IN=true. */
export const Reads = () => SetMetadata(ACCESS_RULE, { kind: 'read' } satisfies AccessRule);

/** Needs a signed-in caller with `role` (401 without a valid token, 403 without the role). */
export const Requires = (role: Role) =>
  applyDecorators(SetMetadata(ACCESS_RULE, { kind: 'role', role } satisfies AccessRule), ApiBearerAuth(BEARER_SCHEME), ApiProblemResponses(401, 403));
