import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscardPolicy, JetStreamApiError, type JetStreamManager, RetentionPolicy, StorageType, jetstreamManager, type StreamConfig } from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import { BOOK_EVENTS_STREAM, BOOK_EVENTS_WILDCARD } from '@books/contracts';
import { NatsConnectionManager } from '@books/nats-rpc';
import { retry } from '@books/server-kit';
import { BooksServiceConfig } from '../config/books-service.config';

const STREAM_NAME_IN_USE = 10058;

/**
 * Declares the event stream at start-up. Adding a stream with the same config is a no-op
 * in NATS, so every replica can do it; a changed config (say, a longer retention) is
 * applied as an update.
 */
@Injectable()
export class BookEventsStream implements OnModuleInit {
  private readonly logger = new Logger(BookEventsStream.name);

  constructor(
    private readonly nats: NatsConnectionManager,
    private readonly config: BooksServiceConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const jsm = await jetstreamManager(this.nats.connection);
    const config: Partial<StreamConfig> & { name: string } = {
      name: BOOK_EVENTS_STREAM,
      description: 'Book changes: one event per committed create, update or delete',
      subjects: [BOOK_EVENTS_WILDCARD],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      max_age: nanos(this.config.EVENTS_MAX_AGE_HOURS * 3_600_000),
      // Long enough to cover the relay re-publishing a change whose first publish was acked
      // but not recorded (the database blinked): the copy is dropped as a duplicate.
      duplicate_window: nanos(10 * 60_000),
      num_replicas: this.config.EVENTS_REPLICAS,
      allow_direct: true,
    };
    // In a NATS cluster, a create can time out while the stream's replicas are being placed
    // (another replica creating it at the same moment, say): it is safe to repeat.
    await retry(`Declaring stream ${BOOK_EVENTS_STREAM}`, () => this.declare(jsm, config), { logger: this.logger });
  }

  private async declare(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<void> {
    try {
      await jsm.streams.add(config);
    } catch (error) {
      if (!(error instanceof JetStreamApiError && error.code === STREAM_NAME_IN_USE)) throw error;
      await jsm.streams.update(BOOK_EVENTS_STREAM, config);
      this.logger.log(`Updated the configuration of stream ${BOOK_EVENTS_STREAM}`);
    }
  }
}
