import { type Problem, ProblemTypes, problem } from '../errors/problem';

/** The protection space of this API, as RFC 6750 challenges name it. */
const REALM = 'Bearer realm="books"';

/**
 * A request the access rules turn away: 401 with a challenge (RFC 6750 §3), 403, or 503 when
 * the token could not be checked. The problem details say why in words; they never quote the
 * token or what it claims.
 */
export class AccessDeniedException extends Error {
  private constructor(
    readonly problem: Problem,
    /** The WWW-Authenticate header to answer with, if any. */
    readonly challenge?: string,
  ) {
    super(problem.detail);
  }

  /** No credentials at all: the bare challenge, no error code (RFC 6750 §3.1). */
  static signInRequired(): AccessDeniedException {
    return new AccessDeniedException(problem(ProblemTypes.unauthorized, 'Sign in: this operation needs a bearer access token.'), REALM);
  }

  static invalidToken(reason: string): AccessDeniedException {
    return new AccessDeniedException(problem(ProblemTypes.unauthorized, `${reason}.`), `${REALM}, error="invalid_token"`);
  }

  static missingRole(role: string): AccessDeniedException {
    return new AccessDeniedException(problem(ProblemTypes.forbidden, `This operation needs the ${role} role.`), `${REALM}, error="insufficient_scope"`);
  }

  static cannotCheck(reason: string): AccessDeniedException {
    return new AccessDeniedException(problem(ProblemTypes.identityProviderUnavailable, `${reason}.`));
  }
}
