import { type Provider, signal } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { AUTH_CLIENT_LOADER, type AuthClient } from '../data-access/auth-client';
import { Auth } from '../data-access/auth.service';
import type { AuthUser } from '../data-access/roles';

/** An OIDC client without the identity provider: specs sign users in and out, and decide renewals. */
export class FakeAuthClient implements AuthClient {
  readonly user = signal<AuthUser | undefined>(undefined);
  token: string | undefined;
  /** What the next renewals come to: a new token, or undefined for a failed one. */
  renewals: (string | undefined)[] = [];
  readonly signIn = jest.fn();
  /** Whether the identity provider answers; false stands for an outage. */
  readonly reachable = jest.fn(async () => true);
  readonly signOut = jest.fn(async () => this.forget());
  readonly renew = jest.fn(async () => {
    this.token = this.renewals.shift();
    return this.token !== undefined;
  });
  readonly loadedWith: string[] = [];

  async accessToken(): Promise<string | undefined> {
    return this.user() ? this.token : undefined;
  }

  forget(): void {
    this.user.set(undefined);
    this.token = undefined;
  }

  signInAs(name: string, roles: string[], token = `token-of-${name}`): void {
    this.user.set({ name, roles });
    this.token = token;
  }

  /** Sign-in on, with this client in place of the library's. */
  provide(): Provider {
    return {
      provide: AUTH_CLIENT_LOADER,
      useValue: async (_injector: unknown, url: string) => {
        this.loadedWith.push(url);
        return this;
      },
    };
  }
}

/** Runs what the app initializer runs at bootstrap. */
export async function startAuth(): Promise<Auth> {
  const auth = TestBed.inject(Auth);
  await auth.start();
  return auth;
}
