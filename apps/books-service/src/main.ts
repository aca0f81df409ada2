import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger, PinoLogger } from 'nestjs-pino';
import { BOOKS_QUEUE_GROUP } from '@books/contracts';
import { NatsConnectionManager, NatsRpcServer } from '@books/nats-rpc';
import { ConfigError } from '@books/server-kit';
import { AppModule } from './app.module';
import { BooksServiceConfig } from './config/books-service.config';

/**
 * The books-service: answers book requests from NATS in a queue group (so any number of
 * replicas share them), owns MongoDB, and publishes an event for every change.
 * A small HTTP server beside it serves health checks and metrics.
 */
async function bootstrap(): Promise<void> {
  const config = new BooksServiceConfig();
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.withConfig(config), new FastifyAdapter(), {
    abortOnError: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  app.connectMicroservice({
    strategy: new NatsRpcServer(() => app.get(NatsConnectionManager), {
      queue: BOOKS_QUEUE_GROUP,
      logger: await app.resolve(PinoLogger),
      tracing: config.TRACING_SAMPLE_RATIO > 0,
    }),
  });
  await app.init();
  await app.startAllMicroservices();
  await app.listen(config.HTTP_PORT, '0.0.0.0');
  app.get(Logger).log(`books-service ${config.REPLICA_ID} ready; health and metrics on port ${config.HTTP_PORT}`, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
