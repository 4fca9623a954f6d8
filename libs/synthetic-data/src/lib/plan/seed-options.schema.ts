import { z } from 'zod';
import { isRealIsoDate } from '../calendar/iso-date.calendar';

/**
 * What a synthetic data set is generated from. The seed is an unsigned 32-bit integer so each
 * seed maps to exactly one PRNG state (and fits `seed_runs.seed`).
 */
export const seedOptionsSchema = z.object({
  seed: z.number().int().min(0).max(0xffff_ffff),
  claims: z.number().int().min(0).max(100_000_000),
  clients: z.number().int().min(1).max(60).optional(),
  start: z.string().refine(isRealIsoDate, 'start must be a real YYYY-MM-DD date').default('2025-01-01'),
  months: z.number().int().min(1).max(60).default(12),
});

export type SeedOptions = z.input<typeof seedOptionsSchema>;
export type ResolvedSeedOptions = z.output<typeof seedOptionsSchema>;
