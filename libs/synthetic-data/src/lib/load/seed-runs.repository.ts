import { z } from 'zod';
import type { SqlQueryable } from './sql-queryable';

export interface SeedRun {
  readonly seedId: string;
  readonly generatorVersion: string;
  readonly seed: number;
  readonly claimCount: number;
  readonly contentSha256: string;
  readonly completedAt: Date;
}

// pg returns BIGINT as a string and PGlite as a number; timestamps as Date either way.
const seedRunRowSchema = z.object({
  seed_id: z.string(),
  generator_version: z.string(),
  seed: z.union([z.string(), z.number()]).transform(Number),
  claim_count: z.number(),
  content_sha256: z.string().transform((s) => s.trim()),
  completed_at: z.union([z.date(), z.string()]).transform((d) => new Date(d)),
});

/** Whether a complete load of `seedId` is recorded: the local stack skips seeding when it is. */
export async function isSeeded(db: SqlQueryable, seedId: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM seed_runs WHERE seed_id = $1', [seedId]);
  return rows.length > 0;
}

export async function readSeedRun(db: SqlQueryable, seedId: string): Promise<SeedRun | null> {
  const { rows } = await db.query('SELECT seed_id, generator_version, seed, claim_count, content_sha256, completed_at FROM seed_runs WHERE seed_id = $1', [
    seedId,
  ]);
  if (rows.length === 0) return null;
  const row = seedRunRowSchema.parse(rows[0]);
  return {
    seedId: row.seed_id,
    generatorVersion: row.generator_version,
    seed: row.seed,
    claimCount: row.claim_count,
    contentSha256: row.content_sha256,
    completedAt: row.completed_at,
  };
}

export async function recordSeedRun(db: SqlQueryable, run: Omit<SeedRun, 'completedAt'>): Promise<void> {
  await db.query('INSERT INTO seed_runs (seed_id, generator_version, seed, claim_count, content_sha256) VALUES ($1, $2, $3, $4, $5)', [
    run.seedId,
    run.generatorVersion,
    run.seed,
    run.claimCount,
    run.contentSha256,
  ]);
}
