import { provideHttpClient, withInterceptors, withXhr } from '@angular/common/http';
import { type ApplicationConfig, inject, provideAppInitializer, provideBrowserGlobalErrorListeners } from '@angular/core';
import { provideRouter } from '@angular/router';
import { appRoutes } from './app.routes';
import { authInterceptor } from './auth/data-access/auth.interceptor';
import { Auth } from './auth/data-access/auth.service';
import { apiErrorsInterceptor } from './books/data-access/api-errors.interceptor';
import { retryReadsInterceptor } from './books/data-access/retry-reads.interceptor';
import { traceContextInterceptor } from './trace-context.interceptor';

// Sign-in's providers, when it is on, are added in main.ts: they depend on the gateway's answer.
// Zoneless change detection is Angular's default (no zone.js is loaded): signals drive rendering.
export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideRouter(appRoutes),
    // XHR, not fetch: only XHR reports upload progress, which the import's progress bar shows
    // (Angular's FetchBackend throws on upload progress; fetch has no upload events).
    // The first interceptor sees the final outcome: retries happen inside, errors are read outside.
    // The token is added last, so each retry carries the current one; the trace context before
    // the retries, so a retried read stays one trace.
    provideHttpClient(withXhr(), withInterceptors([apiErrorsInterceptor, traceContextInterceptor, retryReadsInterceptor, authInterceptor])),
    // Before the router's first navigation: a sign-in coming back from the identity provider is
    // finished first, and the user put back on the page they left (see Auth.start).
    provideAppInitializer(() => inject(Auth).start()),
  ],
};
