import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { button, queryButton, textOf } from '../../../books/testing/dom';
import { READS_REQUIRE_SIGN_IN } from '../../data-access/auth-client';
import { FakeAuthClient, startAuth } from '../../testing/fake-auth-client';
import { Account } from './account';

describe('Account', () => {
  let fixture: ComponentFixture<Account>;
  let element: HTMLElement;

  async function render(client?: FakeAuthClient): Promise<void> {
    if (client) TestBed.configureTestingModule({ providers: [client.provide()] });
    await startAuth();
    fixture = TestBed.createComponent(Account);
    element = fixture.nativeElement;
    await fixture.whenStable();
  }

  it('shows nothing when sign-in is off', async () => {
    await render();

    expect(textOf(element)).toBe('');
  });

  it('offers "Sign in" when signed out, which goes to the identity provider', async () => {
    const client = new FakeAuthClient();
    await render(client);

    button(element, 'Sign in').click();
    await fixture.whenStable();

    expect(client.signIn).toHaveBeenCalled();
    expect(element.querySelector('[role=alert]')).toBeNull();
  });

  it('stays on the page and says so when the identity provider does not answer; a later try goes', async () => {
    const client = new FakeAuthClient();
    client.reachable.mockResolvedValueOnce(false);
    await render(client);

    button(element, 'Sign in').click();
    await fixture.whenStable();

    expect(client.signIn).not.toHaveBeenCalled();
    expect(textOf(element.querySelector('[role=alert]'))).toBe('The sign-in service cannot be reached right now. Reading still works; try again in a moment.');

    button(element, 'Sign in').click();
    await fixture.whenStable();

    expect(client.signIn).toHaveBeenCalled();
    expect(element.querySelector('[role=alert]')).toBeNull();
  });

  it('does not promise that reading still works when reading needs a sign-in', async () => {
    const client = new FakeAuthClient();
    client.reachable.mockResolvedValueOnce(false);
    TestBed.configureTestingModule({ providers: [{ provide: READS_REQUIRE_SIGN_IN, useValue: true }] });
    await render(client);

    button(element, 'Sign in').click();
    await fixture.whenStable();

    expect(textOf(element.querySelector('[role=alert]'))).toBe('The sign-in service cannot be reached right now. Try again in a moment.');
  });

  it('shows the user’s name and strongest role, and "Sign out"', async () => {
    const client = new FakeAuthClient();
    client.signInAs('Grace Hopper', ['reader', 'editor']);
    await render(client);

    expect(textOf(element.querySelector('.account__name'))).toBe('Grace Hopper');
    expect(textOf(element.querySelector('.account__role'))).toBe('Editor');
    expect(queryButton(element, 'Sign in')).toBeUndefined();

    button(element, 'Sign out').click();
    await fixture.whenStable();

    expect(client.signOut).toHaveBeenCalled();
    expect(button(element, 'Sign in')).toBeDefined();
  });
});
