import { type DynamicModule, Module } from '@nestjs/common';
import { NatsModule } from '@books/nats-rpc';
import { MetricsController, loggingModule } from '@books/server-kit';
import { BooksModule } from './books/books.module';
import { BooksServiceConfig } from './config/books-service.config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthController } from './health/health.controller';

@Module({
  imports: [
    NatsModule.forRootAsync({
      inject: [BooksServiceConfig],
      useFactory: (config: BooksServiceConfig) => ({ servers: config.NATS_URL, name: `books-service/${config.REPLICA_ID}`, user: config.NATS_USER, pass: config.NATS_PASSWORD }),
    }),
    DatabaseModule,
    BooksModule,
  ],
  controllers: [HealthController, MetricsController],
})
export class AppModule {
  static withConfig(config: BooksServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), loggingModule({ service: 'books-service', httpRequests: false, level: config.LOG_LEVEL })],
    };
  }
}
