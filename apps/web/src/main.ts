import { bootstrapApplication } from '@angular/platform-browser';
import { appConfig } from './app/app.config';
import { App } from './app/app';
import { loadAuthProviders } from './app/auth/data-access/auth-providers';
import { fetchAuthSettings } from './app/auth/data-access/auth-settings';

// Whether sign-in is on decides the providers (the OIDC library is loaded only then), so the
// gateway is asked before bootstrap.
fetchAuthSettings()
  .then((settings) => loadAuthProviders(settings, window.location.origin))
  .then((authProviders) => bootstrapApplication(App, { providers: [...appConfig.providers, ...authProviders] }))
  .catch((error: unknown) => console.error(error));
