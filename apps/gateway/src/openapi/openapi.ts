import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { cleanupOpenApiDoc } from 'nestjs-zod';
import { BEARER_SCHEME } from '../auth/access.decorators';

/** Serves the OpenAPI document at /api/openapi.json and interactive docs at /api/docs. */
export function setUpOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Books catalogue API')
    .setDescription(
      'Browse and edit the books catalogue. Errors are application/problem+json (RFC 9457). ' +
        'Changes are also published as events; see GET /api/books/events and docs/events.md.',
    )
    .setVersion('1')
    // Operations that change the catalogue need an access token from the identity provider (GET /api/auth/config says which).
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An OpenID Connect access token for the books-api audience' }, BEARER_SCHEME)
    .build();
  const document = cleanupOpenApiDoc(SwaggerModule.createDocument(app, config));
  // /metrics is for Prometheus on the internal network, not part of the public API.
  delete document.paths['/metrics'];
  document.components ??= {};
  document.components.schemas ??= {};
  document.components.schemas['Problem'] = {
    type: 'object',
    required: ['type', 'title', 'status', 'detail'],
    properties: {
      type: { type: 'string', format: 'uri', example: 'urn:books-catalogue:problem:validation-failed' },
      title: { type: 'string' },
      status: { type: 'integer' },
      detail: { type: 'string' },
      instance: { type: 'string' },
      requestId: { type: 'string' },
      errors: {
        type: 'array',
        items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } },
      },
    },
  };
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/openapi.json', yamlDocumentUrl: 'api/openapi.yaml' });
}
