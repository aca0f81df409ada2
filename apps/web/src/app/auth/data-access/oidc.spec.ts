import { type EnvironmentInjector, Injector, createEnvironmentInjector } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { EVENT_SOURCE_FACTORY } from '../../books/data-access/book-events.service';
import { READS_REQUIRE_SIGN_IN } from './auth-client';
import { provideOidc } from './oidc';

describe('provideOidc', () => {
  const settings = { enabled: true, issuer: 'http://idp.example', clientId: 'books-web', scope: 'openid', audience: 'books-api' } as const;
  const injectorFor = (readsRequireSignIn: boolean) =>
    createEnvironmentInjector([provideOidc({ ...settings, readsRequireSignIn }, 'https://books.example')], TestBed.inject(Injector) as EnvironmentInjector);

  it('keeps reads public, and the browser’s EventSource, unless the gateway says otherwise', () => {
    const injector = injectorFor(false);

    expect(injector.get(READS_REQUIRE_SIGN_IN)).toBe(false);
    expect(injector.get(EVENT_SOURCE_FACTORY)).toBe(TestBed.inject(EVENT_SOURCE_FACTORY));
  });

  it('asks for sign-in before reading, and streams with the token, when reading needs it', () => {
    const injector = injectorFor(true);

    expect(injector.get(READS_REQUIRE_SIGN_IN)).toBe(true);
    expect(injector.get(EVENT_SOURCE_FACTORY)).not.toBe(TestBed.inject(EVENT_SOURCE_FACTORY));
  });
});
