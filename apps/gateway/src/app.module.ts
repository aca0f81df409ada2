import type { IncomingMessage } from 'node:http';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { NatsModule } from '@books/nats-rpc';
import { MetricsController, loggingModule, tracingModule } from '@books/server-kit';
import { AuthModule } from './auth/auth.module';
import { Public } from './auth/access.decorators';
import { BooksModule } from './books/books.module';
import { EventsModule } from './events/events.module';
import { ConfigModule } from './config/config.module';
import { GatewayConfig } from './config/gateway.config';
import { ProblemDetailsFilter } from './errors/problem-details.filter';
import { ZodRequestPipe } from './errors/zod-request.pipe';
import { HealthController } from './health/health.controller';
import type { CallerLogFields } from './auth/authentication.hook';
import { ShutdownDrain } from './shutdown-drain';

// Server-kit's /metrics knows nothing of sign-in; Prometheus scrapes it on the internal network (Nginx does not expose it).
Public()(MetricsController);

/** Who made the request, on its log line: the verified subject (if any) and the client address (behind trusted proxies). */
function callerLogFields(raw: IncomingMessage): Record<string, unknown> {
  const request = raw as IncomingMessage & CallerLogFields;
  return { ...(request.subject ? { subject: request.subject } : {}), ...(request.clientAddress ? { clientAddress: request.clientAddress } : {}) };
}

@Module({
  imports: [
    NatsModule.forRootAsync({
      inject: [GatewayConfig],
      useFactory: (config: GatewayConfig) => ({ servers: config.NATS_URL, name: 'gateway', user: config.NATS_USER, pass: config.NATS_PASSWORD }),
    }),
    AuthModule,
    BooksModule,
    EventsModule,
  ],
  controllers: [HealthController, MetricsController],
  providers: [
    ShutdownDrain,
    { provide: APP_PIPE, useClass: ZodRequestPipe },
    { provide: APP_FILTER, useClass: ProblemDetailsFilter },
  ],
})
export class AppModule {
  static withConfig(config: GatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // First: tracing starts before anything that makes spans is built.
        tracingModule({ service: 'gateway', sampleRatio: config.TRACING_SAMPLE_RATIO, endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, sampling: 'decide' }),
        ConfigModule.forRoot(config),
        loggingModule({ service: 'gateway', httpRequests: true, level: config.LOG_LEVEL, requestProps: callerLogFields }),
      ],
    };
  }
}
