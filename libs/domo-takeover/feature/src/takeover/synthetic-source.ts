import { readdir } from 'node:fs/promises';
import { createSyntheticSeed, generateSyntheticDomo, writeSyntheticDomoExports } from '@leaf/synthetic-data';
import type { DomoTakeoverConfig } from '../config/domo-takeover.config';
import type { PrepareSource } from './domo-takeover.facade';

/**
 * For the embedded stack: Domo's side generated from the same seed as the stack's claims (so
 * the comparison has real differences to explain), written once into an export folder that has
 * none. A folder with exports in it is the user's and is never written.
 */
export function syntheticSourcePreparer(config: DomoTakeoverConfig): PrepareSource {
  const seed = config.LEAF_DOMO_SYNTHETIC_SEED;
  if (config.LEAF_DOMO_SOURCE !== 'folder' || seed === undefined) return async () => undefined;
  return async () => {
    const existing = await readdir(config.LEAF_DOMO_DIR).catch(() => [] as string[]);
    if (existing.some((name) => name.endsWith('.json') || name.endsWith('.csv'))) return;
    await writeSyntheticDomoExports(config.LEAF_DOMO_DIR, generateSyntheticDomo(createSyntheticSeed({ seed, claims: config.LEAF_DOMO_SYNTHETIC_CLAIMS })));
  };
}
