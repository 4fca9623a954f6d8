import type { SeedOptions } from '../plan/seed-options.schema';
import { createSyntheticSeed, type SyntheticSeed } from './synthetic-seed.factory';

/** Writers and loaders take either options or an already created seed (to reuse or wrap it). */
export type SeedSource = SeedOptions | SyntheticSeed;

function isSyntheticSeed(source: SeedSource): source is SyntheticSeed {
  return typeof source.claims === 'function';
}

export function resolveSeed(source: SeedSource): SyntheticSeed {
  return isSyntheticSeed(source) ? source : createSyntheticSeed(source);
}
