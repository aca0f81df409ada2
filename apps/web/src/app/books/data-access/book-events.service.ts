import { DestroyRef, Injectable, InjectionToken, inject, signal } from '@angular/core';
import { BOOK_EVENT_TYPES, type BookEvent, readBookEvent } from '@books/contracts';
import { Subject, filter, type Observable } from 'rxjs';

export const BOOK_EVENTS_URL = '/api/books/events';

/** How the live stream is doing, for the indicator in the header. */
export type LiveStatus = 'connecting' | 'live' | 'reconnecting';

/**
 * Opens an EventSource; tests replace it with a fake they can drive. When reading needs a
 * sign-in, the OIDC chunk puts the stream over fetch in its place (`provideSignedInEventSource`).
 */
export const EVENT_SOURCE_FACTORY = new InjectionToken<(url: string) => EventSource>('EVENT_SOURCE_FACTORY', {
  providedIn: 'root',
  factory: () => (url) => new EventSource(url),
});

export const RECONNECT_DELAY = { initialMs: 1000, maxMs: 30_000 } as const;

/**
 * The catalogue's live changes, from the gateway's Server-Sent Events stream.
 *
 * EventSource reconnects by itself after a network error and resends Last-Event-ID, so
 * nothing is missed. It gives up for good when an answer is not an event stream (a proxy's
 * 502 while the gateway restarts); then we open a new one, with growing pauses. Either way,
 * `reconnected$` tells lists to refetch, since a new stream cannot replay what it never saw.
 */
@Injectable({ providedIn: 'root' })
export class BookEvents {
  private readonly openSource = inject(EVENT_SOURCE_FACTORY);
  private readonly statusState = signal<LiveStatus>('connecting');
  private readonly skippedState = signal(0);
  private readonly changes = new Subject<BookEvent>();
  private readonly reconnections = new Subject<void>();
  private source?: EventSource;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private retryDelayMs: number = RECONNECT_DELAY.initialMs;
  private wasLive = false;

  readonly status = this.statusState.asReadonly();
  /** Messages that were not valid book events (checked against the contract), skipped. */
  readonly skipped = this.skippedState.asReadonly();
  readonly changes$: Observable<BookEvent> = this.changes.asObservable();
  /** The stream is back after a gap in which changes may have been missed. */
  readonly reconnected$: Observable<void> = this.reconnections.asObservable();

  constructor() {
    this.connect();
    inject(DestroyRef).onDestroy(() => {
      clearTimeout(this.retryTimer);
      this.source?.close();
    });
  }

  /** The changes to one book, e.g. for the dialog that edits it. */
  changesTo(bookId: string): Observable<BookEvent> {
    return this.changes$.pipe(filter((event) => event.bookId === bookId));
  }

  private connect(): void {
    const source = this.openSource(BOOK_EVENTS_URL);
    this.source = source;
    source.addEventListener('open', () => {
      this.retryDelayMs = RECONNECT_DELAY.initialMs;
      this.statusState.set('live');
      if (this.wasLive) this.reconnections.next();
      this.wasLive = true;
    });
    source.addEventListener('error', () => {
      this.statusState.set('reconnecting');
      if (source.readyState === source.CLOSED) this.reconnectLater();
    });
    for (const type of BOOK_EVENT_TYPES) {
      source.addEventListener(type, (message) => this.receive(message));
    }
  }

  private reconnectLater(): void {
    this.source?.close();
    this.retryTimer = setTimeout(() => this.connect(), this.retryDelayMs);
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, RECONNECT_DELAY.maxMs);
  }

  /** Validates each message at the boundary: one we cannot read is skipped, counted and logged, never half-applied. */
  private receive(message: MessageEvent<string>): void {
    const reading = readBookEvent(message.data);
    if (reading.ok) {
      this.changes.next(reading.event);
      return;
    }
    this.skippedState.update((count) => count + 1);
    console.warn(`Skipped event ${message.lastEventId || '(no id)'} of ${BOOK_EVENTS_URL}: not a book event (${reading.reason})`);
  }
}

/** A message's data as a book event, or undefined when it is not a valid one. */
export function parseBookEvent(data: string): BookEvent | undefined {
  const reading = readBookEvent(data);
  return reading.ok ? reading.event : undefined;
}
