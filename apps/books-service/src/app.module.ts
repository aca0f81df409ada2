import { type DynamicModule, Module } from '@nestjs/common';
import { NatsModule } from '@books/nats-rpc';
import { MetricsController, loggingModule, tracingModule } from '@books/server-kit';
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
      imports: [
        // First: tracing starts before anything that makes spans is built.
        tracingModule({ service: 'books-service', sampleRatio: config.TRACING_SAMPLE_RATIO, endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, sampling: 'follow' }),
        ConfigModule.forRoot(config),
        loggingModule({ service: 'books-service', httpRequests: false, level: config.LOG_LEVEL }),
      ],
    };
  }
}
