import { defaultServicePorts, serviceNames, type ServiceName } from '@leaf/contracts';
import { platformConfigSchema } from '@leaf/platform';
import { z } from 'zod';

/** `claims-runtime` -> `LEAF_CLAIMS_RUNTIME_URL`. */
export const serviceUrlSetting = (service: ServiceName) => `LEAF_${service.toUpperCase().replace(/-/g, '_')}_URL`;

const upstreams = Object.fromEntries(
  serviceNames
    .filter((s) => s !== 'gateway')
    .map((s) => [serviceUrlSetting(s), z.url().default(`http://127.0.0.1:${defaultServicePorts[s]}`)]),
);

export const gatewayConfigSchema = platformConfigSchema.extend({
  ...upstreams,
  LEAF_UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
});
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
