import { DestroyRef, Injectable, inject, signal } from '@angular/core';

export type ToastTone = 'success' | 'info' | 'error';

export interface ToastAction {
  readonly label: string;
  readonly run: () => void;
}

export interface Toast {
  readonly id: number;
  readonly tone: ToastTone;
  readonly message: string;
  readonly action?: ToastAction;
}

export interface ToastOptions {
  readonly tone?: ToastTone;
  readonly action?: ToastAction;
  readonly durationMs?: number;
}

/** Errors stay longer: they are read more slowly and often acted upon. */
export const TOAST_DURATION_MS: Record<ToastTone, number> = { success: 4000, info: 5000, error: 10_000 };
const MAX_VISIBLE = 4;

/** Short-lived messages about what just happened, shown by the toast region in the shell. */
@Injectable({ providedIn: 'root' })
export class Toaster {
  private readonly items = signal<readonly Toast[]>([]);
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();
  private readonly durations = new Map<number, number>();
  private nextId = 1;

  readonly toasts = this.items.asReadonly();

  constructor() {
    inject(DestroyRef).onDestroy(() => this.timers.forEach((timer) => clearTimeout(timer)));
  }

  show(message: string, { tone = 'success', action, durationMs = TOAST_DURATION_MS[tone] }: ToastOptions = {}): number {
    const toast: Toast = { id: this.nextId++, tone, message, action };
    const toasts = [...this.items(), toast];
    toasts.slice(0, -MAX_VISIBLE).forEach((old) => this.forget(old.id));
    this.items.set(toasts.slice(-MAX_VISIBLE));
    this.durations.set(toast.id, durationMs);
    this.release(toast.id);
    return toast.id;
  }

  error(message: string): number {
    return this.show(message, { tone: 'error' });
  }

  dismiss(id: number): void {
    this.forget(id);
    this.items.update((toasts) => toasts.filter((toast) => toast.id !== id));
  }

  /** Runs the toast's action at most once: the toast goes away as the action starts. */
  act(id: number): void {
    const toast = this.items().find((candidate) => candidate.id === id);
    this.dismiss(id);
    toast?.action?.run();
  }

  /** Keeps a toast on screen while the pointer or focus is on it, so its button can be reached. */
  hold(id: number): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }

  /** Starts (again) the toast's countdown from its full duration. */
  release(id: number): void {
    const duration = this.durations.get(id);
    if (duration === undefined) return;
    this.hold(id);
    this.timers.set(id, setTimeout(() => this.dismiss(id), duration));
  }

  private forget(id: number): void {
    this.hold(id);
    this.durations.delete(id);
  }
}
