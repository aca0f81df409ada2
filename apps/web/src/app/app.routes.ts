import type { Route } from '@angular/router';

export const appRoutes: Route[] = [
  {
    path: '',
    title: 'Books catalogue',
    loadComponent: () => import('./books/feature/books-page/books-page').then((m) => m.BooksPage),
  },
  { path: '**', redirectTo: '' },
];
