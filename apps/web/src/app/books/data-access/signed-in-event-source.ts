import { type Provider, inject } from '@angular/core';
import { Auth } from '../../auth/data-access/auth.service';
import { EVENT_SOURCE_FACTORY } from './book-events.service';
import { FetchEventSource } from './fetch-event-source';

/**
 * The live stream when reading needs a sign-in (READS_REQUIRE_SIGN_IN): over fetch, with the
 * user's access token and one renewal on a 401, since EventSource cannot send an Authorization
 * header. Chosen once, at start, from the gateway's settings (`provideOidc`); while reads are
 * public the browser's EventSource stays, sending no token.
 *
 * Imported by `oidc.ts` only, so it travels in the OIDC library's chunk that sign-in loads
 * anyway: a lazy chunk of its own (2 kB) made Angular's builder re-bundle the initial chunks,
 * 12 kB more raw, over the budget.
 */
export function provideSignedInEventSource(): Provider {
  return {
    provide: EVENT_SOURCE_FACTORY,
    useFactory: () => {
      const auth = inject(Auth);
      return (url: string) => new FetchEventSource(url, { accessToken: () => auth.accessToken(), renew: () => auth.renew() }) as unknown as EventSource;
    },
  };
}
