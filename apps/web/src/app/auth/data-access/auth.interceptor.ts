import { HttpErrorResponse, type HttpInterceptorFn } from '@angular/common/http';
import { DOCUMENT, inject } from '@angular/core';
import { catchError, from, switchMap, throwError } from 'rxjs';
import { isApiRequest } from '../../api-request';
import { Auth } from './auth.service';

/**
 * Sends the access token to our API, and only there: a token given to another origin (the
 * identity provider, anything else) is a token leaked. A 401 on a request that carried one means
 * it expired or was revoked: renew once and send again (the gateway refused before doing
 * anything, so a write is safe to repeat). When renewal fails the error goes on to the caller,
 * which tells the user to sign in again; a read goes again without a token (reads are public).
 */
export const authInterceptor: HttpInterceptorFn = (request, next) => {
  const auth = inject(Auth);
  if (!auth.enabled() || !isApiRequest(request, inject(DOCUMENT).location)) return next(request);
  const withToken = (token: string | undefined) => (token ? request.clone({ setHeaders: { Authorization: `Bearer ${token}` } }) : request);
  return from(auth.accessToken()).pipe(
    switchMap((token) =>
      next(withToken(token)).pipe(
        catchError((error: unknown) => {
          if (!token || !(error instanceof HttpErrorResponse) || error.status !== 401) return throwError(() => error);
          return from(auth.renew()).pipe(
            switchMap((renewed) => (renewed ? from(auth.accessToken()) : from([undefined]))),
            switchMap((fresh) => (fresh || request.method === 'GET' ? next(withToken(fresh)) : throwError(() => error))),
          );
        }),
      ),
    ),
  );
};
