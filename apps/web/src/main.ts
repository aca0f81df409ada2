import { bootstrapApplication } from '@angular/platform-browser';
import { appConfig } from './app/app.config';
import { App } from './app/app';
import { loadAuthProviders } from './app/auth/data-access/auth-providers';
import { fetchAuthSettings } from './app/auth/data-access/auth-settings';
import { loadEventSourceProviders } from './app/books/data-access/book-events.service';

// Whether sign-in is on decides the providers (the OIDC library is loaded only then), and whether
// reading needs it decides how the live stream is opened (with a token over fetch, or EventSource),
// so the gateway is asked before bootstrap.
fetchAuthSettings()
  .then((settings) => Promise.all([loadAuthProviders(settings, window.location.origin), loadEventSourceProviders(settings)]))
  .then(([authProviders, eventSourceProviders]) =>
    bootstrapApplication(App, { providers: [...appConfig.providers, ...authProviders, ...eventSourceProviders] }),
  )
  .catch((error: unknown) => console.error(error));
