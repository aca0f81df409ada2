import { Global, Module } from '@nestjs/common';
import { BooksServiceConfig, loadBooksServiceConfig } from './books-service.config';

@Global()
@Module({
  providers: [{ provide: BooksServiceConfig, useFactory: () => loadBooksServiceConfig() }],
  exports: [BooksServiceConfig],
})
export class ConfigModule {}
