import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { BookReadCache } from './book-read.cache';
import { BooksClient } from './books.client';
import { BooksController } from './books.controller';

@Module({ imports: [EventsModule], controllers: [BooksController], providers: [BooksClient, BookReadCache] })
export class BooksModule {}
