import type { ParamMap, Params } from '@angular/router';
import {
  LIST_LIMITS,
  SORT_KEYS,
  parseSortKey,
  type ListBooksRequest,
  type SortField,
  type SortKey,
} from '@books/contracts';

/** The last one is the API's maximum: "all", as far as one request goes. */
export const PAGE_SIZES = [8, 12, 16, 24, 32, LIST_LIMITS.maxLimit] as const;
export type PageSize = (typeof PAGE_SIZES)[number];

export type ReadFilter = 'all' | 'read' | 'unread';

/** What the list shows. It lives in the URL, so reload, the back button and shared links keep it. */
export interface BookListQuery {
  /** 1-based. */
  readonly page: number;
  readonly size: PageSize;
  readonly sort: SortKey;
  /** Search text for title and author; empty for none. */
  readonly q: string;
  readonly read: ReadFilter;
}

export const DEFAULT_QUERY: BookListQuery = { page: 1, size: 8, sort: 'author', q: '', read: 'all' };

/**
 * Reads the query string; a value that is missing or makes no sense falls back to its default.
 * `defaultSize` is the user's page size (remembered, or fitted to the screen), not a constant.
 */
export function queryFromParams(params: ParamMap, defaultSize: PageSize = DEFAULT_QUERY.size): BookListQuery {
  const size = PAGE_SIZES.find((candidate) => candidate === Number(params.get('size'))) ?? defaultSize;
  const page = /^[1-9]\d{0,6}$/.test(params.get('page') ?? '') ? Number(params.get('page')) : DEFAULT_QUERY.page;
  const lastReachablePage = Math.floor(LIST_LIMITS.maxOffset / size) + 1;
  const sort = params.get('sort') as SortKey;
  const q = (params.get('q') ?? '').trim();
  const read = params.get('read');
  return {
    page: page <= lastReachablePage ? page : DEFAULT_QUERY.page,
    size,
    sort: SORT_KEYS.includes(sort) ? sort : DEFAULT_QUERY.sort,
    q: q.length <= LIST_LIMITS.maxQueryLength ? q : DEFAULT_QUERY.q,
    read: read === 'true' ? 'read' : read === 'false' ? 'unread' : DEFAULT_QUERY.read,
  };
}

/** The query string for a query; defaults are left out, so plain links stay plain. */
export function toQueryParams(query: BookListQuery, defaultSize: PageSize = DEFAULT_QUERY.size): Params {
  const params: Params = {};
  if (query.page !== DEFAULT_QUERY.page) params['page'] = query.page;
  if (query.size !== defaultSize) params['size'] = query.size;
  if (query.sort !== DEFAULT_QUERY.sort) params['sort'] = query.sort;
  if (query.q) params['q'] = query.q;
  if (query.read !== 'all') params['read'] = query.read === 'read';
  return params;
}

/** The API request for the page the query names. */
export function toListRequest(query: BookListQuery): ListBooksRequest {
  return {
    offset: (query.page - 1) * query.size,
    limit: query.size,
    sort: query.sort,
    ...(query.q ? { q: query.q } : {}),
    ...(query.read !== 'all' ? { read: query.read === 'read' } : {}),
  };
}

/** Clicking the sorted column reverses it; another column starts ascending. */
export function nextSort(current: SortKey, field: SortField): SortKey {
  const { field: sortedField, direction } = parseSortKey(current);
  return sortedField === field && direction === 1 ? `-${field}` : field;
}

export function sameQuery(a: BookListQuery, b: BookListQuery): boolean {
  return a.page === b.page && a.size === b.size && a.sort === b.sort && a.q === b.q && a.read === b.read;
}
