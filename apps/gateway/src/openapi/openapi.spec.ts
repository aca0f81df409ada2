import { Test } from '@nestjs/testing';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { BooksClient } from '../books/books.client';
import { BooksController } from '../books/books.controller';
import { BooksImporter } from '../books/transfer/books-importer';
import { BooksTransferController } from '../books/transfer/books-transfer.controller';
import { GatewayConfig } from '../config/gateway.config';
import { BEARER_SCHEME } from '../auth/access.decorators';

describe('the OpenAPI document', () => {
  it('asks for a bearer token on the routes that change the catalogue, and on no read', async () => {
    const module = await Test.createTestingModule({
      controllers: [BooksController, BooksTransferController],
      providers: [
        { provide: BooksClient, useValue: {} },
        { provide: BooksImporter, useValue: {} },
        { provide: GatewayConfig, useValue: new GatewayConfig({ AUTH: 'off' }) },
      ],
    }).compile();
    const app = module.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    app.setGlobalPrefix('api');
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().addBearerAuth(undefined, BEARER_SCHEME).build());
    const secured = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations as Record<string, { security?: unknown[]; responses?: Record<string, unknown> }>)
        .filter(([, operation]) => operation.security?.some((requirement) => BEARER_SCHEME in (requirement as object)))
        .map(([method, operation]) => `${method.toUpperCase()} ${path} ${Object.keys(operation.responses ?? {}).filter((status) => status === '401' || status === '403').join(',')}`),
    );
    expect(secured.sort()).toEqual([
      'DELETE /api/books/{id} 401,403',
      'PATCH /api/books/{id} 401,403',
      'POST /api/books 401,403',
      'POST /api/books/import 401,403',
      'POST /api/books/{id}/restore 401,403',
      'PUT /api/books/{id} 401,403',
    ]);
    await app.close();
  });
});
