import { convertToParamMap } from '@angular/router';
import { DEFAULT_QUERY, nextSort, queryFromParams, toListRequest, toQueryParams } from './book-list-query';

describe('book list query', () => {
  const parse = (params: Record<string, string>) => queryFromParams(convertToParamMap(params));

  it('reads page, size, sort, search and filter from the URL', () => {
    expect(parse({ page: '3', size: '16', sort: '-year', q: ' wyndham ', read: 'false' })).toEqual({
      page: 3,
      size: 16,
      sort: '-year',
      q: 'wyndham',
      read: 'unread',
    });
  });

  it('defaults when the URL says nothing', () => {
    expect(parse({})).toEqual(DEFAULT_QUERY);
    expect(DEFAULT_QUERY).toMatchObject({ page: 1, size: 8, sort: 'author' });
  });

  it.each([
    ['page', '0'],
    ['page', '-2'],
    ['page', '1.5'],
    ['page', 'two'],
    ['page', '99999999'],
    ['size', '10'],
    ['size', 'all'],
    ['sort', 'publisher'],
    ['sort', '--title'],
    ['read', 'yes'],
    ['q', 'x'.repeat(201)],
  ])('falls back to the default for %s=%s', (name, value) => {
    expect(parse({ [name]: value })).toEqual(DEFAULT_QUERY);
  });

  it('writes only what differs from the defaults, so plain links stay plain', () => {
    expect(toQueryParams(DEFAULT_QUERY)).toEqual({});
    expect(toQueryParams({ page: 2, size: 32, sort: 'title', q: 'road', read: 'read' })).toEqual({
      page: 2,
      size: 32,
      sort: 'title',
      q: 'road',
      read: true,
    });
  });

  it('takes the user’s own page size as the default, and leaves it out of links', () => {
    expect(queryFromParams(convertToParamMap({}), 24).size).toBe(24);
    expect(queryFromParams(convertToParamMap({ size: '16' }), 24).size).toBe(16);
    expect(toQueryParams({ ...DEFAULT_QUERY, size: 24 }, 24)).toEqual({});
    expect(toQueryParams({ ...DEFAULT_QUERY, size: 8 }, 24)).toEqual({ size: 8 });
  });

  it('accepts the API’s maximum as the largest page ("all")', () => {
    expect(parse({ size: '100' }).size).toBe(100);
    expect(parse({ size: '101' }).size).toBe(DEFAULT_QUERY.size);
  });

  it('survives the round trip through the URL', () => {
    const query = { page: 4, size: 16 as const, sort: '-score' as const, q: 'ballard', read: 'unread' as const };
    const params = Object.fromEntries(Object.entries(toQueryParams(query)).map(([key, value]) => [key, String(value)]));

    expect(parse(params)).toEqual(query);
  });

  it('turns a page into an offset for the API', () => {
    expect(toListRequest({ ...DEFAULT_QUERY, page: 2 })).toEqual({ offset: 8, limit: 8, sort: 'author' });
    expect(toListRequest({ ...DEFAULT_QUERY, q: 'road', read: 'read' })).toEqual({
      offset: 0,
      limit: 8,
      sort: 'author',
      q: 'road',
      read: true,
    });
  });

  it('sorts ascending on a new column and reverses on the same one', () => {
    expect(nextSort('author', 'title')).toBe('title');
    expect(nextSort('title', 'title')).toBe('-title');
    expect(nextSort('-title', 'title')).toBe('title');
    expect(nextSort('-year', 'score')).toBe('score');
  });
});
