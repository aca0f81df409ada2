import { ComponentFixture, TestBed } from '@angular/core/testing';
import { button, choose, field, textOf } from '../../testing/dom';
import { Pagination, rangeLabel } from './pagination';

describe('rangeLabel', () => {
  it.each([
    [1, 8, 42, '1–8 of 42'],
    [2, 8, 42, '9–16 of 42'],
    [6, 8, 42, '41–42 of 42'],
    [1, 32, 5, '1–5 of 5'],
    [1, 8, 0, '0 of 0'],
  ])('page %i of size %i with %i books reads "%s"', (page, size, total, label) => {
    expect(rangeLabel(page, size, total)).toBe(label);
  });
});

describe('Pagination', () => {
  let fixture: ComponentFixture<Pagination>;
  let element: HTMLElement;
  let pageChange: jest.Mock;

  async function render(page: number, size = 8, total = 42): Promise<void> {
    fixture.componentRef.setInput('page', page);
    fixture.componentRef.setInput('size', size);
    fixture.componentRef.setInput('total', total);
    await fixture.whenStable();
  }

  beforeEach(() => {
    fixture = TestBed.createComponent(Pagination);
    element = fixture.nativeElement;
    pageChange = jest.fn();
    fixture.componentInstance.pageChange.subscribe(pageChange);
  });

  it('shows which books are on screen out of how many', async () => {
    await render(2);

    expect(textOf(element.querySelector('.pagination__range'))).toBe('9–16 of 42');
  });

  it('moves to the first, previous, next and last page', async () => {
    await render(3);

    button(element, 'First page').click();
    button(element, 'Previous page').click();
    button(element, 'Next page').click();
    button(element, 'Last page').click();

    expect(pageChange.mock.calls).toEqual([[1], [2], [4], [6]]);
  });

  it('disables going back on the first page and forward on the last, keeping focus on the button', async () => {
    await render(1);
    expect(button(element, 'First page').getAttribute('aria-disabled')).toBe('true');
    expect(button(element, 'Previous page').getAttribute('aria-disabled')).toBe('true');
    expect(button(element, 'Next page').getAttribute('aria-disabled')).toBe('false');
    button(element, 'Previous page').click();

    await render(6);
    expect(button(element, 'Next page').getAttribute('aria-disabled')).toBe('true');
    expect(button(element, 'Last page').getAttribute('aria-disabled')).toBe('true');
    button(element, 'Next page').click();

    expect(pageChange).not.toHaveBeenCalled();
  });

  it('offers page sizes up to "all" (the API’s most at once)', async () => {
    const sizeChange = jest.fn();
    fixture.componentInstance.sizeChange.subscribe(sizeChange);
    await render(1, 16);
    const select = field<HTMLSelectElement>(element, 'Books per page');

    expect([...select.options].map((option) => option.text)).toEqual(['8', '12', '16', '24', '32', 'All (up to 100)']);
    expect(select.value).toBe('16');
    choose(select, '100');
    expect(sizeChange).toHaveBeenCalledWith(100);
  });
});
