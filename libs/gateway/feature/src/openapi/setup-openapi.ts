import type { INestApplication } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { applyOperationContracts } from './apply-operation-contracts';
import { mcpPathItem } from './mcp-path';

/**
 * The gateway's OpenAPI 3.1 description from its controllers and the zod contracts, with the
 * security schemes APIM and clients use: an Entra ID (or dev issuer) bearer token, or the
 * Cloudflare Access assertion header.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Leaf platform API')
    .setDescription(
      'The internal API of the Leaf PBM claims savings and audit platform. Every figure comes from deterministic code ' +
        'and carries its evidence; every error is RFC 9457 application/problem+json with a stable `code` and the request id as `instance`. ' +
        'Callers see only the clients their token grants (`leaf_clients` claim or group mapping); another client is a 404. ' +
        'POSTs accept an `Idempotency-Key`; lists page with `nextLink`; limits answer 429 with `Retry-After`.',
    )
    .setVersion('1')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description: 'Entra ID access token (roles / scp), or a dev-issuer token locally (npm run token)',
      },
      'entra',
    )
    .addApiKey({ type: 'apiKey', in: 'header', name: 'Cf-Access-Jwt-Assertion', description: 'Cloudflare Access application token' }, 'cloudflare-access')
    .addSecurityRequirements('entra')
    .addSecurityRequirements('cloudflare-access')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.paths['/mcp'] = mcpPathItem;
  return applyOperationContracts(document);
}

/** OpenAPI 3.1 document at /docs/json and the UI at /docs. */
export function setupOpenApi(app: NestFastifyApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs/json' });
}
