import { Dialog } from '@angular/cdk/dialog';
import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { Component } from '@angular/core';
import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { authInterceptor } from '../../../auth/data-access/auth.interceptor';
import { FakeAuthClient, startAuth } from '../../../auth/testing/fake-auth-client';
import { apiErrorsInterceptor } from '../../data-access/api-errors.interceptor';
import { BooksStore } from '../../data-access/books.store';
import { aBook } from '../../testing/books.fixtures';
import { dialogTitled } from '../../testing/dialogs';
import { button, field, queryButton, textOf, type } from '../../testing/dom';
import { FakeEventSources } from '../../testing/fake-event-source';
import { openBookFormDialog } from './book-form-dialog';
import { UNSAVED_DRAFT_KEY, takeDraft } from './unsaved-draft';

@Component({ template: '', providers: [BooksStore] })
class Page {}

/**
 * The whole path through the real HTTP stack (the app's interceptors over a test backend): a save
 * meets an expired token, one renewal is tried, and when it fails the form keeps what was typed
 * and offers to sign in again, keeping the draft across the redirect.
 */
describe('BookFormDialog when the sign-in has ended', () => {
  const book = aBook({ title: 'Alas, Babylon', author: 'Pat Frank', version: 3 });
  let client: FakeAuthClient;
  let backend: HttpTestingController;
  let page: ComponentFixture<Page>;

  beforeEach(async () => {
    client = new FakeAuthClient();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([]),
        provideHttpClient(withInterceptors([apiErrorsInterceptor, authInterceptor])),
        provideHttpClientTesting(),
        new FakeEventSources().provide(),
        client.provide(),
      ],
    });
    backend = TestBed.inject(HttpTestingController);
    await startAuth();
    client.signInAs('Ed Editor', ['editor'], 'expired');
    page = TestBed.createComponent(Page);
  });

  afterEach(() => sessionStorage.clear());

  async function settle(): Promise<void> {
    await page.whenStable();
    await new Promise((resolve) => setTimeout(resolve));
    await page.whenStable();
  }

  /** Opens the dialog on the book, changes the title, saves, and answers the save with `status`. */
  async function editAndSave(status: number, renewal?: string): Promise<HTMLElement> {
    client.renewals = [renewal];
    openBookFormDialog(TestBed.inject(Dialog), { book }, page.debugElement.injector);
    await settle();
    const dialog = dialogTitled('Edit book');
    type(field(dialog, 'Title'), 'Alas, Babylon (2nd ed.)');
    button(dialog, 'Save').click();
    await settle();
    backend.expectOne({ method: 'PUT', url: `/api/books/${book.id}` }).flush(null, { status, statusText: String(status) });
    await settle();
    return dialog;
  }

  it('renews once and saves when renewal works, without bothering the user', async () => {
    const dialog = await editAndSave(401, 'fresh');

    const again = backend.expectOne({ method: 'PUT', url: `/api/books/${book.id}` });
    expect(again.request.headers.get('Authorization')).toBe('Bearer fresh');
    expect(dialog.isConnected).toBe(true);
    expect(queryButton(dialog, 'Sign in again')).toBeUndefined();
  });

  it('keeps the form and offers to sign in again when renewal fails', async () => {
    const dialog = await editAndSave(401);

    expect(client.renew).toHaveBeenCalledTimes(1);
    expect(textOf(dialog.querySelector('[role="alert"]'))).toContain('Your sign-in has ended, so the book was not saved. Your changes are kept');
    expect(field(dialog, 'Title').value).toBe('Alas, Babylon (2nd ed.)');
    expect(sessionStorage.getItem(UNSAVED_DRAFT_KEY)).toBeNull();

    button(dialog, 'Sign in again').click();
    await settle();

    expect(client.signIn).toHaveBeenCalled();
    expect(takeDraft()).toEqual({ book, values: expect.objectContaining({ title: 'Alas, Babylon (2nd ed.)', author: 'Pat Frank' }) });
  });

  it('says plainly that the account cannot edit on a 403, and keeps the form', async () => {
    const dialog = await editAndSave(403);

    expect(client.renew).not.toHaveBeenCalled();
    expect(textOf(dialog.querySelector('[role="alert"]'))).toBe('Your account can read but not edit the catalogue.');
    expect(field(dialog, 'Title').value).toBe('Alas, Babylon (2nd ed.)');
  });
});
