import { Pipe, type PipeTransform } from '@angular/core';

/** Years before the common era are stored as negative numbers; people read them as BCE. */
export function formatYear(year: number | null): string {
  if (year === null) return 'unknown';
  return year < 0 ? `${-year} BCE` : String(year);
}

@Pipe({ name: 'bookYear' })
export class BookYearPipe implements PipeTransform {
  transform(year: number | null): string {
    return formatYear(year);
  }
}
