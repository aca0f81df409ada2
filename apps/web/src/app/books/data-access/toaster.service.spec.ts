import { TestBed } from '@angular/core/testing';
import { TOAST_DURATION_MS, Toaster } from './toaster.service';

describe('Toaster', () => {
  let toaster: Toaster;

  beforeEach(() => {
    jest.useFakeTimers();
    toaster = TestBed.inject(Toaster);
  });

  afterEach(() => jest.useRealTimers());

  const messages = () => toaster.toasts().map((toast) => toast.message);

  it('shows a toast until its time is up', () => {
    toaster.show('Saved “Dune”.');
    expect(messages()).toEqual(['Saved “Dune”.']);

    jest.advanceTimersByTime(TOAST_DURATION_MS.success);
    expect(messages()).toEqual([]);
  });

  it('keeps a toast while it is held, and restarts its time on release', () => {
    const id = toaster.show('Deleted “Dune”.', { durationMs: 6000 });

    toaster.hold(id);
    jest.advanceTimersByTime(60_000);
    expect(messages()).toEqual(['Deleted “Dune”.']);

    toaster.release(id);
    jest.advanceTimersByTime(5999);
    expect(messages()).toEqual(['Deleted “Dune”.']);
    jest.advanceTimersByTime(1);
    expect(messages()).toEqual([]);
  });

  it('runs an action once and closes its toast', () => {
    const undo = jest.fn();
    const id = toaster.show('Deleted “Dune”.', { action: { label: 'Undo', run: undo } });

    toaster.act(id);
    toaster.act(id);

    expect(undo).toHaveBeenCalledTimes(1);
    expect(messages()).toEqual([]);
  });

  it('keeps only the latest few', () => {
    for (let index = 1; index <= 6; index++) toaster.show(`Toast ${index}`);

    expect(messages()).toEqual(['Toast 3', 'Toast 4', 'Toast 5', 'Toast 6']);
  });
});
