import { z } from 'zod';

export const checkResultSchema = z.object({
  name: z.string(),
  status: z.enum(['up', 'down']),
  durationMs: z.number(),
  detail: z.string().optional(),
});
export type CheckResult = z.infer<typeof checkResultSchema>;

/** What `/health/ready` answers, and what the gateway aggregates per service. */
export const healthReportSchema = z.object({
  service: z.string(),
  status: z.enum(['ready', 'not-ready', 'live']),
  checks: z.array(checkResultSchema),
});
export type HealthReport = z.infer<typeof healthReportSchema>;
