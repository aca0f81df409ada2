import { Module } from '@nestjs/common';
import { BookEventsPublisher } from '../events/book-events.publisher';
import { BookEventsStream } from '../events/book-events.stream';
import { CatalogueReadModel } from '../read-model/catalogue.read-model';
import { OutboxIntents } from '../events/outbox.intents';
import { OutboxRelay } from '../events/outbox.relay';
import { BookStateCache } from './book-state.cache';
import { BooksCommitter } from './books.committer';
import { BooksController } from './books.controller';
import { BooksRepository } from './books.repository';
import { BooksService } from './books.service';
import { BooksSeeder } from './seed/books.seeder';

@Module({
  controllers: [BooksController],
  // Order matters at start-up: the stream is declared before the state cache follows it.
  providers: [BookEventsStream, OutboxIntents, BooksRepository, CatalogueReadModel, BookStateCache, BookEventsPublisher, BooksCommitter, BooksService, BooksSeeder, OutboxRelay],
})
export class BooksModule {}
