import { Module } from '@nestjs/common';
import { EventsModule } from '../events/events.module';
import { BookReadCache } from './book-read.cache';
import { BooksClient } from './books.client';
import { BooksController } from './books.controller';
import { BooksImporter } from './transfer/books-importer';
import { BooksTransferController } from './transfer/books-transfer.controller';

@Module({ imports: [EventsModule], controllers: [BooksTransferController, BooksController], providers: [BooksClient, BookReadCache, BooksImporter] })
export class BooksModule {}
