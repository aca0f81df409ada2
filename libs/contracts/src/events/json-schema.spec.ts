import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bookEventJsonSchema } from './json-schema';

const COMMITTED = join(__dirname, '../../../../docs/events/book-event.schema.json');

describe('the published JSON Schema of book events', () => {
  it('is the one generated from the contract (run `nx run contracts:generate-json-schemas` after a change)', () => {
    expect(JSON.parse(readFileSync(COMMITTED, 'utf8'))).toEqual(bookEventJsonSchema());
  });

  it('describes the envelope fields and the nullable book', () => {
    const { $defs } = bookEventJsonSchema() as { $defs: Record<string, { required: string[]; properties: Record<string, { anyOf?: unknown[] }> }> };
    const schema = $defs['BookEvent'];
    expect(schema.required).toEqual(expect.arrayContaining(['eventId', 'type', 'bookId', 'version', 'occurredAt', 'book']));
    expect(schema.properties['book'].anyOf).toEqual(expect.arrayContaining([{ type: 'null' }]));
  });

  it('states its version, has the optional actor, and lets consumers meet fields added later', () => {
    const json = bookEventJsonSchema() as { $comment: string; $defs: Record<string, { required: string[]; additionalProperties?: unknown }> };
    expect(json.$comment).toBe('BookEvent schema version 1.1');
    expect(json.$defs['BookEvent'].required).not.toContain('actor');
    expect(json.$defs['Actor'].required).toEqual(['name', 'kind']);
    expect(JSON.stringify(json)).not.toContain('"additionalProperties":false');
  });
});
