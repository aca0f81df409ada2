import { provideHttpClient, withInterceptors, withXhr } from '@angular/common/http';
import { type ApplicationConfig, provideBrowserGlobalErrorListeners } from '@angular/core';
import { provideRouter } from '@angular/router';
import { appRoutes } from './app.routes';
import { apiErrorsInterceptor } from './books/data-access/api-errors.interceptor';
import { retryReadsInterceptor } from './books/data-access/retry-reads.interceptor';

// Zoneless change detection is Angular's default (no zone.js is loaded): signals drive rendering.
export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideRouter(appRoutes),
    // XHR, not fetch: only XHR reports upload progress, which the import's progress bar shows
    // (Angular's FetchBackend throws on upload progress; fetch has no upload events).
    // The first interceptor sees the final outcome: retries happen inside, errors are read outside.
    provideHttpClient(withXhr(), withInterceptors([apiErrorsInterceptor, retryReadsInterceptor])),
  ],
};
