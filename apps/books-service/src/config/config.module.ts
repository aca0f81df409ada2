import { type DynamicModule, Global, Module } from '@nestjs/common';
import { BooksServiceConfig } from './books-service.config';

/** Provides the configuration main.ts loaded, so it is read and checked once. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: BooksServiceConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: BooksServiceConfig, useValue: config }], exports: [BooksServiceConfig] };
  }
}
