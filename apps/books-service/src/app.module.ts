import { Module } from '@nestjs/common';
import { NatsModule } from '@books/nats-rpc';
import { BooksModule } from './books/books.module';
import { BooksServiceConfig } from './config/books-service.config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { HealthController } from './health/health.controller';

@Module({
  imports: [
    ConfigModule,
    NatsModule.forRootAsync({
      inject: [BooksServiceConfig],
      useFactory: (config: BooksServiceConfig) => ({ servers: config.NATS_URL, name: `books-service/${config.REPLICA_ID}` }),
    }),
    DatabaseModule,
    BooksModule,
  ],
  controllers: [HealthController],
})
export class AppModule {}
