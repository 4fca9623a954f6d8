import { z } from 'zod';
import { healthReportSchema } from '../health/health-report';

/** GET /health on the gateway: every service's readiness in one answer. */
export const platformHealthSchema = z.object({
  status: z.enum(['ready', 'degraded']),
  services: z.array(
    z.object({
      service: z.string(),
      url: z.string(),
      report: healthReportSchema.nullable(),
      error: z.string().optional(),
    }),
  ),
});
export type PlatformHealth = z.infer<typeof platformHealthSchema>;
