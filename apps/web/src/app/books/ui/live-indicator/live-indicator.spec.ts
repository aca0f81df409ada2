import { TestBed } from '@angular/core/testing';
import { textOf } from '../../testing/dom';
import { LiveIndicator } from './live-indicator';

describe('LiveIndicator', () => {
  it.each([
    ['connecting', 'Connecting…'],
    ['live', 'Live'],
    ['reconnecting', 'Reconnecting…'],
  ])('says "%s" as "%s", as a status', async (status, text) => {
    const fixture = TestBed.createComponent(LiveIndicator);
    fixture.componentRef.setInput('status', status);
    await fixture.whenStable();
    const element: HTMLElement = fixture.nativeElement;

    expect(element.getAttribute('role')).toBe('status');
    expect(textOf(element)).toBe(text);
  });
});
