import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { App } from './app';
import { Toaster } from './books/data-access/toaster.service';
import { button, textOf } from './books/testing/dom';
import { FakeEventSources } from './books/testing/fake-event-source';

describe('App', () => {
  let sources: FakeEventSources;
  let fixture: ComponentFixture<App>;
  let app: HTMLElement;

  beforeEach(async () => {
    sources = new FakeEventSources();
    TestBed.configureTestingModule({ providers: [provideRouter([]), sources.provide()] });
    fixture = TestBed.createComponent(App);
    app = fixture.nativeElement;
    await fixture.whenStable();
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
});
