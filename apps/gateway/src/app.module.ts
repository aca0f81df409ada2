import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { NatsModule } from '@books/nats-rpc';
import { MetricsController, loggingModule } from '@books/server-kit';
import { BooksModule } from './books/books.module';
import { EventsModule } from './events/events.module';
import { ConfigModule } from './config/config.module';
import { GatewayConfig } from './config/gateway.config';
import { ProblemDetailsFilter } from './errors/problem-details.filter';
import { ZodRequestPipe } from './errors/zod-request.pipe';
import { HealthController } from './health/health.controller';

@Module({
  imports: [
    NatsModule.forRootAsync({
      inject: [GatewayConfig],
      useFactory: (config: GatewayConfig) => ({ servers: config.NATS_URL, name: 'gateway', user: config.NATS_USER, pass: config.NATS_PASSWORD }),
    }),
    BooksModule,
    EventsModule,
  ],
  controllers: [HealthController, MetricsController],
  providers: [
    { provide: APP_PIPE, useClass: ZodRequestPipe },
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
  ],
})
export class AppModule {
  static withConfig(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config), loggingModule({ service: 'gateway', httpRequests: true, level: config.LOG_LEVEL })],
    };
  }
}
