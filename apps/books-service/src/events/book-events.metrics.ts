import { Counter, Histogram } from 'prom-client';

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

export const commitBatchSize = new Histogram({
  name: 'book_commit_batch_size',
  help: 'Changes committed together in one database round (group commit)',
  buckets: [1, 2, 4, 8, 16, 32, 64],
});

export const commitStepDuration = new Histogram({
  name: 'book_commit_step_seconds',
  help: 'Time of each step of a commit round: outbox (list the changes in NATS), commit (insert the change records), apply (write the books), publish (events acknowledged by JetStream)',
  labelNames: ['step'],
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
});
