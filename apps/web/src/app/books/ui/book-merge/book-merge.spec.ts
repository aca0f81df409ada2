import { type ComponentFixture, TestBed } from '@angular/core/testing';
import { button, field, textOf } from '../../testing/dom';
import { BookMerge, type MergeQuestion, listOf } from './book-merge';

describe('listOf', () => {
  it.each([
    [[], ''],
    [['Title'], 'Title'],
    [['Title', 'Author'], 'Title and Author'],
    [['Title', 'Author', 'Year'], 'Title, Author and Year'],
  ])('%j reads "%s"', (items, text) => {
    expect(listOf(items)).toBe(text);
  });
});

describe('BookMerge', () => {
  const title: MergeQuestion = { field: 'title', label: 'Title', base: 'Wool', theirs: 'Wool Omnibus', mine: 'Wool (Silo 1)' };
  const score: MergeQuestion = { field: 'score', label: 'Score', base: 'unrated', theirs: '8', mine: '6' };
  let fixture: ComponentFixture<BookMerge>;
  let element: HTMLElement;
  let confirmed: jest.Mock;
  let back: jest.Mock;

  beforeEach(async () => {
    fixture = TestBed.createComponent(BookMerge);
    element = fixture.nativeElement;
    confirmed = jest.fn();
    back = jest.fn();
    fixture.componentInstance.confirm.subscribe(confirmed);
    fixture.componentInstance.back.subscribe(back);
    fixture.componentRef.setInput('questions', [title, score]);
    fixture.componentRef.setInput('merged', [
      { label: 'Author', value: 'H. Howey', from: 'theirs' },
      { label: 'Read', value: 'Yes', from: 'both' },
    ]);
    fixture.componentRef.setInput('savedAt', '2026-12-02T09:30:00.000Z');
    fixture.componentRef.setInput('titleId', 'merge-title');
    document.body.append(element);
    await fixture.whenStable();
  });

  afterEach(() => element.remove());

  it('names itself by its heading, which takes the focus', () => {
    const heading = element.querySelector('h2');
    expect(heading?.id).toBe('merge-title');
    expect(textOf(heading)).toBe('Someone else changed this book');
    expect(document.activeElement).toBe(heading);
  });

  it('says when their version was saved, how many fields to settle and what merged by itself', () => {
    expect(element.querySelector('time')?.getAttribute('datetime')).toBe('2026-12-02T09:30:00.000Z');
    expect(textOf(element.querySelector('.dialog__text'))).toContain('You both changed 2 fields: choose which value to keep.');
    expect([...element.querySelectorAll('li')].map(textOf)).toEqual([
      'Author: H. Howey (their change)',
      'Read: Yes (you both made this change)',
    ]);
  });

  it('asks each question as a group of two radios, with the value before as its description', () => {
    const groups = [...element.querySelectorAll('fieldset')];

    expect(groups.map((group) => textOf(group.querySelector('legend')))).toEqual(['Title', 'Score']);
    expect(textOf(document.getElementById(groups[0].getAttribute('aria-describedby') ?? ''))).toBe('Before: Wool');
    const [theirs, mine] = [field(groups[0], 'Theirs Wool Omnibus'), field(groups[0], 'Yours Wool (Silo 1)')];
    expect([theirs.type, mine.type]).toEqual(['radio', 'radio']);
    expect(theirs.name).toBe(mine.name);
    expect(field(groups[1], 'Theirs 8').name).not.toBe(theirs.name);
  });

  it('names what is left to choose, and takes the keyboard there', async () => {
    field(element, 'Theirs Wool Omnibus').click();
    button(element, 'Save').click();
    await fixture.whenStable();

    expect(textOf(element.querySelector('[role="alert"]'))).toBe('Choose a value for Score.');
    expect(document.activeElement).toBe(field(element, 'Theirs 8'));
    const [answered, unanswered] = element.querySelectorAll('fieldset');
    expect(unanswered.getAttribute('aria-describedby')).toContain('book-merge-missing');
    expect(answered.getAttribute('aria-describedby')).not.toContain('book-merge-missing');
    expect(confirmed).not.toHaveBeenCalled();
  });

  it('confirms with every answer', async () => {
    field(element, 'Theirs Wool Omnibus').click();
    field(element, 'Yours 6').click();
    button(element, 'Save').click();
    await fixture.whenStable();

    expect(confirmed).toHaveBeenCalledWith({ title: 'theirs', score: 'mine' });
  });

  it('goes back on Cancel', () => {
    button(element, 'Cancel').click();

    expect(back).toHaveBeenCalled();
  });

  it('forgets the answers when the questions change (a newer version came)', async () => {
    field(element, 'Theirs Wool Omnibus').click();
    fixture.componentRef.setInput('questions', [{ ...title, theirs: 'Wool!' }]);
    await fixture.whenStable();

    button(element, 'Save').click();
    await fixture.whenStable();

    expect(confirmed).not.toHaveBeenCalled();
    expect(field(element, 'Theirs Wool!').checked).toBe(false);
  });

  it('says so when nothing overlaps, and names its button as told', async () => {
    fixture.componentRef.setInput('questions', []);
    fixture.componentRef.setInput('confirmLabel', 'Use these values');
    await fixture.whenStable();

    expect(textOf(element.querySelector('.dialog__text'))).toContain('None of their changes touch yours.');
    button(element, 'Use these values').click();
    expect(confirmed).toHaveBeenCalledWith({});
  });
});
