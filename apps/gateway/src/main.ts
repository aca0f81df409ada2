import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { REQUEST_ID_HEADER } from '@books/contracts';
import { ConfigError } from '@books/server-kit';
import { AppModule } from './app.module';
import { GatewayConfig } from './config/gateway.config';
import { setUpOpenApi } from './openapi/openapi';
import { requestIdFor } from './request-id';

/** The contract's limit on request bodies; Fastify answers 413 past it. */
const BODY_LIMIT_BYTES = 16 * 1024;

async function bootstrap(): Promise<void> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    // `__proto__` and `constructor.prototype` keys in a JSON body are refused (400) while parsing.
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    genReqId: requestIdFor,
    requestIdHeader: false,
    return503OnClosing: true,
  });
  // bodyParser: false keeps Nest from adding form and multipart parsers: bodies are JSON.
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, { abortOnError: false, bodyParser: false });
  app.setGlobalPrefix('api');
  app.enableShutdownHooks();
  const fastify = app.getHttpAdapter().getInstance();
  // Without Fastify's text/plain parser too, any body that is not JSON gets a 415.
  fastify.removeContentTypeParser('text/plain');
  fastify.addHook('onRequest', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  setUpOpenApi(app);
  const config = app.get(GatewayConfig);
  await app.listen(config.PORT, config.HOST);
  Logger.log(`Gateway listening on http://${config.HOST}:${config.PORT}/api`, 'Bootstrap');
}

bootstrap().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
