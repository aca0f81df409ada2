import { DOCUMENT, Injectable, Injector, computed, inject, signal } from '@angular/core';
import { AUTH_CLIENT_LOADER, type AuthClient, READS_REQUIRE_SIGN_IN } from './auth-client';
import { type AuthUser, canEdit, canImport } from './roles';

/** Where the user was when they went to sign in: the IdP sends everyone back to the root. */
export const RETURN_TO_KEY = 'books.sign-in.return-to';

/**
 * Sign-in for the whole app. Sign-in is on when `main.ts` provided an OIDC client (the gateway
 * said so). `start()` runs before the first navigation: it starts the client, which finishes a
 * sign-in coming back from the identity provider or picks up the tab's session. With sign-in
 * off, everyone may do everything, as before sign-in existed (the gateway decides either way;
 * this only decides which controls are worth showing).
 */
@Injectable({ providedIn: 'root' })
export class Auth {
  private readonly injector = inject(Injector);
  private readonly document = inject(DOCUMENT);
  private readonly loadClient = inject(AUTH_CLIENT_LOADER, { optional: true });
  private readonly client = signal<AuthClient | undefined>(undefined);
  private renewing?: Promise<boolean>;

  /** Sign-in is on: the header offers it, and controls follow the user's roles. */
  readonly enabled = computed(() => this.client() !== undefined);
  readonly user = computed<AuthUser | undefined>(() => this.client()?.user());
  /** Set when "Sign in" found the identity provider unreachable; cleared by the next try. */
  readonly signInUnavailable = signal(false);
  /** Add, edit, delete, restore, mark read. */
  readonly canEdit = computed(() => !this.enabled() || canEdit(this.user()));
  readonly canImport = computed(() => !this.enabled() || canImport(this.user()));
  /** Reading needs a token too (the gateway's READS_REQUIRE_SIGN_IN): the event stream must carry one. */
  readonly readsRequireSignIn = computed(() => this.enabled() && this.readsNeedToken);
  /** Nobody is signed in, and the gateway shows the catalogue to signed-in users only: ask first, fetch nothing. */
  readonly mustSignInToRead = computed(() => this.readsRequireSignIn() && !this.user());
  private readonly readsNeedToken = inject(READS_REQUIRE_SIGN_IN);

  async start(): Promise<void> {
    if (!this.loadClient) return;
    const url = this.document.location.href;
    try {
      this.client.set(await this.loadClient(this.injector, url));
    } catch (error) {
      // The library's chunk did not load (offline, or a new release replaced it): the app
      // still starts and reads; the gateway refuses what needs a sign-in.
      console.error('Sign-in could not be started.', error);
    }
    if (isSignInCallback(url)) this.returnToPage();
  }

  async accessToken(): Promise<string | undefined> {
    return this.client()?.accessToken();
  }

  /**
   * Goes to the identity provider; after signing in the user comes back to `returnTo` (this page
   * by default). When the provider does not answer, stays here and says so (`signInUnavailable`)
   * rather than leaving the app for a browser error page.
   */
  async signIn(returnTo = this.currentPath()): Promise<void> {
    const client = this.client();
    if (!client) return;
    this.signInUnavailable.set(false);
    if (!(await client.reachable())) {
      this.signInUnavailable.set(true);
      return;
    }
    sessionStorage.setItem(RETURN_TO_KEY, returnTo);
    client.signIn();
  }

  async signOut(): Promise<void> {
    await this.client()?.signOut();
  }

  /**
   * One renewal at a time, however many requests met the expired token. When it fails, the
   * tokens are forgotten: the header offers "Sign in", and a refused save says to sign in again.
   */
  renew(): Promise<boolean> {
    const client = this.client();
    if (!client) return Promise.resolve(false);
    this.renewing ??= client
      .renew()
      .catch(() => false)
      .then((renewed) => {
        this.renewing = undefined;
        if (!renewed) client.forget();
        return renewed;
      });
    return this.renewing;
  }

  /** The callback left the app on its root: put the user back where they started signing in. */
  private returnToPage(): void {
    const saved = sessionStorage.getItem(RETURN_TO_KEY);
    sessionStorage.removeItem(RETURN_TO_KEY);
    // Only a path of this app: an absolute or protocol-relative URL would be an open redirect.
    const path = saved && saved.startsWith('/') && !saved.startsWith('//') ? saved : '/';
    this.document.defaultView?.history.replaceState(null, '', path);
  }

  private currentPath(): string {
    const { pathname, search, hash } = this.document.location;
    return `${pathname}${search}${hash}`;
  }
}

/** The identity provider's answer on the redirect URI: `state`, with `code` or `error`. */
export function isSignInCallback(url: string): boolean {
  const params = new URL(url).searchParams;
  return params.has('state') && (params.has('code') || params.has('error'));
}
