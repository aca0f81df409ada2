import type { Provider } from '@angular/core';
import { EVENT_SOURCE_FACTORY } from '../data-access/book-events.service';

/** Stands in for a browser EventSource; the test opens it, fails it and pushes messages. */
export class FakeEventSource {
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSED = 2;
  readyState = this.CONNECTING;
  private readonly listeners = new Map<string, ((event: Event) => void)[]>();

  constructor(readonly url: string) {}

  addEventListener(type: string, listener: (event: Event) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.readyState = this.CLOSED;
  }

  open(): void {
    this.readyState = this.OPEN;
    this.dispatch(new Event('open'));
  }

  /** A dropped connection the browser retries by itself, or (`closed`) one it gave up on. */
  fail({ closed = false } = {}): void {
    this.readyState = closed ? this.CLOSED : this.CONNECTING;
    this.dispatch(new Event('error'));
  }

  /** A server message: `event: <type>` with `data:` as given (objects are sent as JSON). */
  emit(type: string, data: unknown, lastEventId = ''): void {
    this.dispatch(new MessageEvent(type, { data: typeof data === 'string' ? data : JSON.stringify(data), lastEventId }));
  }

  private dispatch(event: Event): void {
    this.listeners.get(event.type)?.forEach((listener) => listener(event));
  }
}

/** Every EventSource the app opened, newest last. */
export class FakeEventSources {
  readonly opened: FakeEventSource[] = [];

  get latest(): FakeEventSource {
    const source = this.opened.at(-1);
    if (!source) throw new Error('No EventSource has been opened');
    return source;
  }

  provide(): Provider {
    return {
      provide: EVENT_SOURCE_FACTORY,
      useValue: (url: string) => {
        const source = new FakeEventSource(url);
        this.opened.push(source);
        return source as unknown as EventSource;
      },
    };
  }
}
