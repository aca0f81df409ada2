import { aBook } from '../../testing/books.fixtures';
import { UNSAVED_DRAFT_KEY, keepDraft, takeDraft } from './unsaved-draft';

describe('unsaved draft', () => {
  afterEach(() => sessionStorage.clear());

  it('is kept for this tab and given back once', () => {
    const draft = { book: aBook({ title: 'Dune' }), values: { title: 'Dune!', author: 'Frank Herbert', year: '1965', score: 9, read: true } };

    keepDraft(draft);

    expect(takeDraft()).toEqual(draft);
    expect(takeDraft()).toBeUndefined();
  });

  it('drops what it cannot read', () => {
    sessionStorage.setItem(UNSAVED_DRAFT_KEY, '{"values":{"title":1}}');
    expect(takeDraft()).toBeUndefined();

    sessionStorage.setItem(UNSAVED_DRAFT_KEY, 'not json');
    expect(takeDraft()).toBeUndefined();
    expect(sessionStorage.getItem(UNSAVED_DRAFT_KEY)).toBeNull();
  });
});
