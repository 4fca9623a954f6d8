import { canonicalClaimsMapping, claimsSourceMappingSchema } from '@leaf/claims-runtime/data-access';
import { leaseTimingProblem } from '@leaf/claims-runtime/domain';
import { platformConfigSchema } from '@leaf/platform';
import { z } from 'zod';

const ms = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int()
    .min(min)
    .max(max);

/**
 * claims-runtime's own settings. The claims authority is the service database unless
 * `LEAF_CLAIMS_SOURCE_URL` names another (production: the SQL Server claims database, through a
 * read-only login); `LEAF_CLAIMS_SOURCE_MAPPING` is the JSON mapping of its table and columns.
 */
export const claimsRuntimeConfigSchema = platformConfigSchema
  .extend({
    LEAF_CLAIMS_SOURCE_URL: z
      .string()
      .min(1)
      .optional()
      .describe('Claims authority, read only (production: the SQL Server claims database through a read-only login); unset: the service database.'),
    LEAF_CLAIMS_SOURCE_MAPPING: z
      .string()
      .optional()
      .transform((text, ctx) => {
        if (!text) return canonicalClaimsMapping;
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          ctx.addIssue({ code: 'custom', message: 'must be JSON' });
          return z.NEVER;
        }
        const parsed = claimsSourceMappingSchema.safeParse(json);
        if (!parsed.success) {
          ctx.addIssue({
            code: 'custom',
            message: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
          });
          return z.NEVER;
        }
        return parsed.data;
      })
      .describe("JSON mapping of the claims source's table and columns; unset: the canonical mapping."),
    /**
     * A run belongs to the instance executing it while it renews its lease. Another instance
     * fails a run whose lease has expired (its owner crashed or stalled), so this bounds how long
     * a crashed run looks alive; it must exceed the longest pause of a live instance.
     */
    LEAF_RECONCILIATION_LEASE_MS: ms('LEAF_RECONCILIATION_LEASE_MS', 500, 3_600_000)
      .default(30_000)
      .describe('How long a run survives its instance without a renewal; then any instance fails it INTERRUPTED.'),
    /** How often an instance renews the leases of the runs it executes (at most a third of the lease). */
    LEAF_RECONCILIATION_RENEW_MS: ms('LEAF_RECONCILIATION_RENEW_MS', 50, 1_200_000)
      .default(5_000)
      .describe('Lease renewal interval, at most a third of the lease (refused at boot otherwise).'),
    /** How often each instance fails the runs whose lease expired (also once at start). */
    LEAF_RECONCILIATION_SWEEP_MS: ms('LEAF_RECONCILIATION_SWEEP_MS', 50, 3_600_000)
      .default(15_000)
      .describe('How often an instance fails the runs whose lease expired (also once at start).'),
    /** How often a run's progress stream looks at the run again (each open stream, one read). */
    LEAF_RECONCILIATION_EVENTS_POLL_MS: ms('LEAF_RECONCILIATION_EVENTS_POLL_MS', 50, 60_000)
      .default(500)
      .describe('Poll interval of GET …/reconciliations/{runId}/events.'),
  })
  .superRefine((c, ctx) => {
    const problem = leaseTimingProblem(c.LEAF_RECONCILIATION_LEASE_MS, c.LEAF_RECONCILIATION_RENEW_MS);
    if (problem)
      ctx.addIssue({
        code: 'custom',
        path: ['LEAF_RECONCILIATION_RENEW_MS'],
        message: problem,
      });
  });
export type ClaimsRuntimeConfig = z.infer<typeof claimsRuntimeConfigSchema>;
