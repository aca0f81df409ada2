import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { ConfigError } from '@books/server-kit';
import { AppModule } from './app.module';
import { GatewayConfig } from './config/gateway.config';
import { configureHttp, createHttpAdapter } from './http-server';
import { setUpOpenApi } from './openapi/openapi';

/**
 * The HTTP gateway: REST and Server-Sent Events for browsers and programs, each call turned
 * into a NATS request to the books-service. It holds no data of its own.
 */
async function bootstrap(): Promise<void> {
  const config = new GatewayConfig();
  // bodyParser: false keeps Nest from adding form and multipart parsers: bodies are JSON.
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.withConfig(config), createHttpAdapter(config), {
    abortOnError: false,
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  if (config.AUTH === 'off') {
    app.get(Logger).warn(
      'AUTH=off: SIGN-IN IS DISABLED. Anyone who reaches this gateway can change and import books, and changes record no actor. ' +
        'For tests and local development only; never expose this gateway.',
      'Bootstrap',
    );
  }
  // /metrics stays outside /api, which is all Nginx exposes.
  app.setGlobalPrefix('api', { exclude: ['metrics'] });
  app.enableShutdownHooks();
  await configureHttp(app, config);
  setUpOpenApi(app);
  await app.listen(config.PORT, config.HOST);
  app.get(Logger).log(`Gateway listening on http://${config.HOST}:${config.PORT}/api`, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
