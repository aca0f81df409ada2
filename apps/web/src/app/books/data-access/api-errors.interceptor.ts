import type { HttpInterceptorFn } from '@angular/common/http';
import { DOCUMENT, inject } from '@angular/core';
import { catchError, throwError } from 'rxjs';
import { isApiRequest } from '../../api-request';
import { toApiError } from './problem';

/**
 * Every failed call to our API reaches its caller as an {@link ApiError}, read once from
 * problem+json. Other origins' errors (the identity provider's) pass as they are: the OIDC
 * library tells a network failure from an answer by `HttpErrorResponse`.
 */
export const apiErrorsInterceptor: HttpInterceptorFn = (request, next) => {
  if (!isApiRequest(request, inject(DOCUMENT).location)) return next(request);
  return next(request).pipe(catchError((error: unknown) => throwError(() => toApiError(error))));
};
