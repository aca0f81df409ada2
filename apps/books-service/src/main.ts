import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { BOOKS_QUEUE_GROUP } from '@books/contracts';
import { NatsConnectionManager, NatsRpcServer } from '@books/nats-rpc';
import { ConfigError } from '@books/server-kit';
import { AppModule } from './app.module';
import { BooksServiceConfig } from './config/books-service.config';

/**
 * The books-service: answers book requests from NATS in a queue group (so any number of
 * replicas share them), owns MongoDB, and publishes an event for every change.
 * A small HTTP server beside it serves health checks.
 */
async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { abortOnError: false });
  app.enableShutdownHooks();
  app.connectMicroservice({
    strategy: new NatsRpcServer(() => app.get(NatsConnectionManager).connection, { queue: BOOKS_QUEUE_GROUP }),
  });
  await app.init();
  await app.startAllMicroservices();
  const config = app.get(BooksServiceConfig);
  await app.listen(config.HTTP_PORT, '0.0.0.0');
  Logger.log(`books-service ${config.REPLICA_ID} ready; health on port ${config.HTTP_PORT}`, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
