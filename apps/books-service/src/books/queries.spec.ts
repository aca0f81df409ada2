import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { INDEXES } from './books.repository';

/** docs/queries.md lists the indexes the service creates; this keeps the page and the code in step. */
describe('docs/queries.md', () => {
  const page = readFileSync(join(__dirname, '../../../../docs/queries.md'), 'utf8');
  const documented = [...page.matchAll(/^\| (books|book_changes) \| `(\w+)` \| `([^`]+)` \|$/gm)].map(([, collection, name, keys]) => ({
    collection,
    name,
    keys: keys.split(',').map((key) => key.trim()),
  }));

  it('lists exactly the indexes the service creates, with their keys in order', () => {
    const created = Object.entries(INDEXES).flatMap(([collection, indexes]) =>
      indexes.map(({ name, key }) => ({ collection, name, keys: Object.keys(key as Record<string, unknown>) })),
    );
    expect(documented).toEqual(created);
  });

  it('names a serving index for every query it lists', () => {
    const rows = page.slice(page.indexOf('## Queries')).match(/^\| [^|]+ \| [^|]+ \| [^|]+ \|$/gm) ?? [];
    const indexNames = new Set(['_id_', 'sort_<field>', ...documented.map((index) => index.name)]);
    for (const row of rows.slice(2)) {
      const servedBy = row.split('|')[3];
      const named = [...servedBy.matchAll(/`([^`]+)`/g)].map(([, name]) => name);
      if (servedBy.trim() === '—') continue;
      expect([row, named.some((name) => indexNames.has(name))]).toEqual([row, true]);
    }
  });
});
