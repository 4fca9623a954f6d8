import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { buildOpenApiDocument, gatewayService } from '@leaf/gateway/feature';
import { loadServiceConfig } from '@leaf/platform';

export const exportedOpenApiPath = join('apim', 'openapi.json');

/**
 * The gateway application in Nest's preview mode: the module graph is scanned but nothing is
 * instantiated, so no database, bus or key is touched.
 */
export async function withGatewayPreview<T>(use: (app: INestApplication) => T): Promise<T> {
  const scratch = mkdtempSync(join(tmpdir(), 'leaf-openapi-'));
  try {
    const config = loadServiceConfig(gatewayService, { LEAF_DATABASE_URL: 'pglite:memory', LEAF_DEV_ISSUER_DIR: scratch });
    const app = await NestFactory.create(gatewayService.rootModule(config), new FastifyAdapter(), { preview: true, logger: false, abortOnError: false });
    try {
      return use(app);
    } finally {
      await app.close();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The gateway's OpenAPI document as APIM imports it. */
export async function gatewayOpenApiJson(): Promise<string> {
  return withGatewayPreview((app) => `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`);
}
