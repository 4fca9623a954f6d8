import { portFor } from '@leaf/platform';
import { defineService } from '@leaf/service-kit';
import { ClaimsController } from './claims/claims.controller';
import { gatewayConfigSchema, type GatewayConfig } from './gateway.config';
import { PlatformHealthController } from './health/platform-health.controller';
import { setupOpenApi } from './openapi/setup-openapi';
import { SERVICE_DIRECTORY, ServiceDirectory } from './upstream/service-directory';
import { UPSTREAM_TIMEOUT_MS, UpstreamClient } from './upstream/upstream.client';

/** gateway: the internal API behind APIM / Cloudflare Access. Thin: validate, route, aggregate. */
export const gatewayService = defineService<GatewayConfig>(
  'gateway',
  (config) => ({
    controllers: [PlatformHealthController, ClaimsController],
    providers: [
      UpstreamClient,
      { provide: SERVICE_DIRECTORY, useValue: ServiceDirectory.fromConfig(config, `http://127.0.0.1:${portFor('gateway', config)}`) },
      { provide: UPSTREAM_TIMEOUT_MS, useValue: config.LEAF_UPSTREAM_TIMEOUT_MS },
    ],
  }),
  { configSchema: gatewayConfigSchema, configureApp: (app) => setupOpenApi(app) },
);
