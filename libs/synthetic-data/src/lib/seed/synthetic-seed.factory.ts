import type { Claim, Client, ContractGuarantee, ContractPeriod } from '@leaf/contracts';
import { z } from 'zod';
import { generateClaims } from '../claims/claims.generator';
import { SyntheticDataError } from '../errors/synthetic-data.error';
import { buildSeedPlan } from '../plan/seed-plan.builder';
import { seedOptionsSchema, type ResolvedSeedOptions, type SeedOptions } from '../plan/seed-options.schema';

/** A generated PBM data set: small reference tables in memory, claims as a re-playable stream. */
export interface SyntheticSeed {
  readonly options: ResolvedSeedOptions;
  /** `seed-<seed>-<claims>`: the `seed_runs` key the loaders record. */
  readonly seedId: string;
  readonly clients: readonly Client[];
  readonly contractPeriods: readonly ContractPeriod[];
  readonly contractGuarantees: readonly ContractGuarantee[];
  /** A fresh stream from the first claim on every call; the same seed yields the same rows. */
  claims(): Generator<Claim, void, undefined>;
}

export function seedIdFor(options: Pick<SeedOptions, 'seed' | 'claims'>): string {
  return `seed-${options.seed}-${options.claims}`;
}

export function createSyntheticSeed(options: SeedOptions): SyntheticSeed {
  const parsed = seedOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new SyntheticDataError('SYNTHETIC_OPTIONS_INVALID', `invalid seed options: ${z.prettifyError(parsed.error)}`, {
      cause: parsed.error,
    });
  }
  const plan = buildSeedPlan(parsed.data);
  return {
    options: parsed.data,
    seedId: seedIdFor(parsed.data),
    clients: plan.profiles.map((p) => p.client),
    contractPeriods: plan.profiles.flatMap((p) => p.periods.map((period) => period.period)),
    contractGuarantees: plan.profiles.flatMap((p) => p.periods.flatMap((period) => period.guarantees)),
    claims: () => generateClaims(plan),
  };
}
