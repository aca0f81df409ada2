import { setupZonelessTestEnv } from 'jest-preset-angular/setup-env/zoneless';

setupZonelessTestEnv({
  errorOnUnknownElements: true,
  errorOnUnknownProperties: true
});

// jsdom keeps localStorage for a whole file: a page size one test chose must not leak into the next.
beforeEach(() => localStorage.clear());
