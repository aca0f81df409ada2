import { Component } from '@angular/core';
import { TestBed } from '@angular/core/testing';
import { Title } from '@angular/platform-browser';
import { Router, provideRouter } from '@angular/router';
import { RouterTestingHarness } from '@angular/router/testing';
import { aBook } from '../../testing/books.fixtures';
import { button, heading, textOf } from '../../testing/dom';
import { FakeBooksApi, problem } from '../../testing/fake-books-api';
import { BookDetailsPage } from './book-details-page';

@Component({ template: 'list' })
class List {}

describe('BookDetailsPage', () => {
  let api: FakeBooksApi;
  let harness: RouterTestingHarness;
  const book = aBook({ title: 'Riddley Walker', author: 'Russell Hoban', year: 1980, score: null, read: true });

  beforeEach(async () => {
    api = new FakeBooksApi();
    api.books = [book];
    TestBed.configureTestingModule({
      providers: [
        provideRouter([
          { path: '', component: List },
          { path: 'books/:id', component: BookDetailsPage },
        ]),
        FakeBooksApi.provide(api),
      ],
    });
    harness = await RouterTestingHarness.create();
  });

  async function visit(id: string): Promise<HTMLElement> {
    await harness.navigateByUrl(`/books/${id}`, BookDetailsPage);
    await harness.fixture.whenStable();
    return harness.routeNativeElement!;
  }

  it('shows the book the link names, and names the tab after it', async () => {
    const page = await visit(book.id);

    expect(heading(page)).toBe('Riddley Walker');
    expect([...page.querySelectorAll('dt, dd')].map(textOf)).toEqual([
      'Author',
      'Russell Hoban',
      'Year',
      '1980',
      'Score',
      'unrated',
      'Read',
      'Yes',
    ]);
    expect(TestBed.inject(Title).getTitle()).toBe('Riddley Walker – Books catalogue');
  });

  it('says when there is no such book', async () => {
    const page = await visit('00000000-0000-4000-8000-999999999999');

    expect(textOf(page.querySelector('[role="alert"]'))).toContain('There is no such book in the catalogue.');
  });

  it('says why it failed otherwise, and tries again', async () => {
    api.failWith(problem(503, 'Unavailable', 'No books-service replica is reachable right now.'));
    const page = await visit(book.id);
    expect(textOf(page.querySelector('[role="alert"]'))).toContain('No books-service replica is reachable right now.');

    button(page, 'Try again').click();
    await harness.fixture.whenStable();
    expect(heading(page)).toBe('Riddley Walker');
  });

  it('goes back to the list without reloading the app', async () => {
    const page = await visit(book.id);

    const click = new MouseEvent('click', { bubbles: true, cancelable: true, button: 0 });
    page.querySelector<HTMLAnchorElement>('a')!.dispatchEvent(click);
    await new Promise((resolve) => setTimeout(resolve));
    await harness.fixture.whenStable();

    expect(click.defaultPrevented).toBe(true);
    expect(TestBed.inject(Router).url).toBe('/');
  });
});
