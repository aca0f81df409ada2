import { Global, Module } from '@nestjs/common';
import { BooksServiceConfig } from './books-service.config';

@Global()
@Module({
  providers: [{ provide: BooksServiceConfig, useFactory: () => new BooksServiceConfig() }],
  exports: [BooksServiceConfig],
})
export class ConfigModule {}
