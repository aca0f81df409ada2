import type { HttpRequest } from '@angular/common/http';

/**
 * A request to our own API: same origin, under /api/. Relative URLs resolve against the page,
 * as the browser will send them. Calls to the identity provider are not ours: they get no
 * access token and keep the errors the OIDC library expects.
 */
export function isApiRequest(request: HttpRequest<unknown>, location: Location): boolean {
  const url = new URL(request.url, location.href);
  return url.origin === location.origin && (url.pathname === '/api' || url.pathname.startsWith('/api/'));
}
