import { Module } from '@nestjs/common';
import { UnpublishedChangesGauge } from '../events/book-events.metrics';
import { BookEventsPublisher } from '../events/book-events.publisher';
import { BookEventsStream } from '../events/book-events.stream';
import { OutboxRelay } from '../events/outbox.relay';
import { BooksController } from './books.controller';
import { BooksRepository } from './books.repository';
import { BooksService } from './books.service';
import { BooksSeeder } from './seed/books.seeder';

@Module({
  controllers: [BooksController],
  providers: [BooksRepository, BooksService, BooksSeeder, BookEventsStream, BookEventsPublisher, OutboxRelay, UnpublishedChangesGauge],
})
export class BooksModule {}
