import { ChangeDetectionStrategy, Component, computed, effect, inject } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { Title } from '@angular/platform-browser';
import { ActivatedRoute, Router } from '@angular/router';
import type { Book } from '@books/contracts';
import { type Observable, Subject, catchError, map, of, startWith, switchMap } from 'rxjs';
import { BooksApi } from '../../data-access/books-api.service';
import { describeApiError, toApiError } from '../../data-access/problem';
import { BookYearPipe } from '../../ui/book-year.pipe';
import { isPlainClick } from '../../ui/in-app-link';

type Loaded = { readonly book?: Book; readonly failure?: string; readonly loading?: boolean };

/**
 * One book, at a link that can be shared (`/books/:id`). Read-only on purpose: editing stays
 * in the catalogue's dialog.
 */
@Component({
  selector: 'app-book-details-page',
  imports: [BookYearPipe],
  templateUrl: './book-details-page.html',
  styleUrl: './book-details-page.scss',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class BookDetailsPage {
  private readonly api = inject(BooksApi);
  private readonly router = inject(Router);
  private readonly retries = new Subject<void>();

  protected readonly state = toSignal(
    inject(ActivatedRoute).paramMap.pipe(
      map((params) => params.get('id') ?? ''),
      switchMap((id) => this.retries.pipe(startWith(undefined), switchMap(() => this.load(id)))),
    ),
    { initialValue: { loading: true } as Loaded },
  );
  protected readonly book = computed(() => this.state().book);

  constructor() {
    const title = inject(Title);
    effect(() => {
      const book = this.book();
      if (book) title.setTitle(`${book.title} – Books catalogue`);
    });
  }

  protected backToList(event: MouseEvent): void {
    if (!isPlainClick(event)) return;
    event.preventDefault();
    void this.router.navigateByUrl('/');
  }

  protected retry(): void {
    this.retries.next();
  }

  private load(id: string): Observable<Loaded> {
    return this.api.get(id).pipe(
      map((book): Loaded => ({ book })),
      catchError((error: unknown) => {
        const apiError = toApiError(error);
        const failure =
          apiError.status === 404 || apiError.status === 400
            ? 'There is no such book in the catalogue. It may have been deleted.'
            : describeApiError(apiError);
        return of<Loaded>({ failure });
      }),
      startWith<Loaded>({ loading: true }),
    );
  }
}
