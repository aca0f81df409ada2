import { Module } from '@nestjs/common';
import { BookEventsController } from './book-events.controller';
import { BookEventsFeed } from './book-events.feed';

@Module({ controllers: [BookEventsController], providers: [BookEventsFeed], exports: [BookEventsFeed] })
export class EventsModule {}
