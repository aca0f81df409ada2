import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { BooksRepository } from '../books/books.repository';

export const eventsPublished = new Counter({
  name: 'book_events_published_total',
  help: 'Book events acknowledged by JetStream (duplicates dropped by the stream included)',
  labelNames: ['type'],
});

export const eventPublishLag = new Histogram({
  name: 'book_event_publish_lag_seconds',
  help: 'Time from a change being committed to its event being acknowledged by JetStream',
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
});

/** Committed changes without an event yet; above zero for long means publishing is stuck. */
@Injectable()
export class UnpublishedChangesGauge {
  constructor(repository: BooksRepository) {
    new Gauge({
      name: 'book_events_unpublished',
      help: 'Committed changes whose event is not published yet (counted at scrape time)',
      async collect() {
        this.set(await repository.countUnpublished());
      },
    });
  }
}
