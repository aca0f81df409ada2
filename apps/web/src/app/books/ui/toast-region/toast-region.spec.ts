import { ComponentFixture, TestBed } from '@angular/core/testing';
import type { Toast } from '../../data-access/toaster.service';
import { button, textOf } from '../../testing/dom';
import { ToastRegion } from './toast-region';

describe('ToastRegion', () => {
  let fixture: ComponentFixture<ToastRegion>;
  let element: HTMLElement;
  const toasts: Toast[] = [
    { id: 1, tone: 'success', message: 'Saved “Dune”.' },
    { id: 2, tone: 'success', message: 'Deleted “Dune”.', action: { label: 'Undo', run: () => undefined } },
  ];

  beforeEach(async () => {
    fixture = TestBed.createComponent(ToastRegion);
    element = fixture.nativeElement;
    fixture.componentRef.setInput('toasts', toasts);
    await fixture.whenStable();
  });

  it('shows the toasts in a polite status region', () => {
    const region = element.querySelector('[role="status"]');

    expect(region?.getAttribute('aria-live')).toBe('polite');
    expect([...element.querySelectorAll('.toast__message')].map(textOf)).toEqual(['Saved “Dune”.', 'Deleted “Dune”.']);
  });

  it('offers a toast’s action and a way to dismiss it', () => {
    const act = jest.fn();
    const dismiss = jest.fn();
    fixture.componentInstance.act.subscribe(act);
    fixture.componentInstance.dismiss.subscribe(dismiss);

    button(element, 'Undo').click();
    element.querySelectorAll<HTMLButtonElement>('.toast__close')[0].click();

    expect(act).toHaveBeenCalledWith(2);
    expect(dismiss).toHaveBeenCalledWith(1);
  });

  it('holds a toast while the pointer or focus is on it', () => {
    const hold = jest.fn();
    const release = jest.fn();
    fixture.componentInstance.hold.subscribe(hold);
    fixture.componentInstance.release.subscribe(release);
    const toast = element.querySelectorAll('.toast')[1];

    toast.dispatchEvent(new FocusEvent('focusin'));
    toast.dispatchEvent(new FocusEvent('focusout'));
    toast.dispatchEvent(new MouseEvent('mouseenter'));

    expect(hold.mock.calls).toEqual([[2], [2]]);
    expect(release).toHaveBeenCalledWith(2);
  });
});
