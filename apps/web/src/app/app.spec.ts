import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { App } from './app';
import { READS_REQUIRE_SIGN_IN } from './auth/data-access/auth-client';
import { RETURN_TO_KEY } from './auth/data-access/auth.service';
import { FakeAuthClient, startAuth } from './auth/testing/fake-auth-client';
import { Toaster } from './books/data-access/toaster.service';
import { button, textOf } from './books/testing/dom';
import { FakeEventSources } from './books/testing/fake-event-source';

describe('App', () => {
  let sources: FakeEventSources;
  let fixture: ComponentFixture<App>;
  let app: HTMLElement;

  /** Renders the shell, with sign-in on when given a client. */
  async function render(client?: FakeAuthClient, readsRequireSignIn = false): Promise<void> {
    sources = new FakeEventSources();
    TestBed.configureTestingModule({ providers: [provideRouter([]), sources.provide(), { provide: READS_REQUIRE_SIGN_IN, useValue: readsRequireSignIn }] });
    if (client) TestBed.configureTestingModule({ providers: [client.provide()] });
    await startAuth();
    fixture = TestBed.createComponent(App);
    app = fixture.nativeElement;
    await fixture.whenStable();
  }

  beforeEach(async () => {
    // Most tests: sign-in off. Those below that need it render again in a fresh TestBed.
    await render();
  });

  it('has the catalogue heading and a skip link to the main content', () => {
    expect(textOf(app.querySelector('h1'))).toBe('Books catalogue');

    app.querySelector<HTMLAnchorElement>('.skip-link')?.click();

    expect(document.activeElement).toBe(app.querySelector('main'));
  });

  it('shows whether changes by others arrive live', async () => {
    const indicator = () => app.querySelector('app-live-indicator');
    expect(indicator()?.getAttribute('role')).toBe('status');

    sources.latest.open();
    await fixture.whenStable();
    expect(textOf(indicator())).toBe('Live');

    sources.latest.fail();
    await fixture.whenStable();
    expect(textOf(indicator())).toBe('Reconnecting…');
  });

  it('shows toasts in a status region', async () => {
    TestBed.inject(Toaster).show('Deleted “Dune”.', { action: { label: 'Undo', run: () => undefined } });
    await fixture.whenStable();

    expect(textOf(app.querySelector('[role="status"][aria-live="polite"]'))).toContain('Deleted “Dune”.');
    expect(button(app, 'Undo')).toBeDefined();
  });

  describe('when the gateway shows the catalogue to signed-in users only', () => {
    let client: FakeAuthClient;
    const heading = () => app.querySelector('h2');

    beforeEach(async () => {
      TestBed.resetTestingModule();
      client = new FakeAuthClient();
    });

    afterEach(() => {
      sessionStorage.clear();
      history.replaceState(null, '', '/');
    });

    it('asks a visitor to sign in instead of showing the page, and opens no event stream', async () => {
      await render(client, true);

      expect(textOf(heading())).toBe('Sign in to see the catalogue');
      expect(app.querySelector('router-outlet')).toBeNull();
      expect(app.querySelector('app-live-indicator')).toBeNull();
      expect(sources.opened).toEqual([]);
    });

    it('signs in from there, and comes back to the page the link named', async () => {
      history.replaceState(null, '', '/books/b1');
      await render(client, true);

      app.querySelector<HTMLButtonElement>('app-sign-in-to-read button')?.click();
      await fixture.whenStable();

      expect(client.signIn).toHaveBeenCalled();
      expect(sessionStorage.getItem(RETURN_TO_KEY)).toBe('/books/b1');
    });

    it('shows the page and the live stream once someone is signed in', async () => {
      client.signInAs('Rea Reader', ['reader']);
      await render(client, true);

      expect(heading()).toBeNull();
      expect(app.querySelector('router-outlet')).not.toBeNull();
      expect(app.querySelector('app-live-indicator')).not.toBeNull();
      expect(sources.opened).toHaveLength(1);
    });

    it('shows the page as before to visitors while reads are public', async () => {
      await render(client, false);

      expect(heading()).toBeNull();
      expect(app.querySelector('router-outlet')).not.toBeNull();
      expect(sources.opened).toHaveLength(1);
    });
  });
});
