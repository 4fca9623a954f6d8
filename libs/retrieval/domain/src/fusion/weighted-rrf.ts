/** The two retrieval branches of a hybrid query. */
export type SearchBranch = 'keyword' | 'vector';

export interface BranchWeights {
  readonly keyword: number;
  readonly vector: number;
}

/** Reciprocal rank fusion's damping constant (Cormack et al. use 60). */
export const rrfK = 60;

export interface BranchRanking<T> {
  readonly branch: SearchBranch;
  /** Best first, already scope-filtered inside the branch. */
  readonly hits: readonly { id: T; score: number }[];
}

export interface FusedHit<T> {
  readonly id: T;
  readonly score: number;
  readonly subscores: Record<SearchBranch, { rank: number; score: number } | null>;
}

/**
 * Weighted RRF: score(d) = sum over branches b of w_b / (k + rank_b(d)). Ties break on the
 * keyword rank, then the vector rank, so the order is deterministic. The same formula is written
 * in SQL by the PostgreSQL adapter; this one fuses branches that come back separately (Azure).
 */
export function fuseWeightedRrf<T>(rankings: readonly BranchRanking<T>[], weights: BranchWeights, k = rrfK): FusedHit<T>[] {
  const fused = new Map<T, { score: number; subscores: FusedHit<T>['subscores'] }>();
  for (const { branch, hits } of rankings) {
    hits.forEach((hit, i) => {
      const rank = i + 1;
      const entry = fused.get(hit.id) ?? { score: 0, subscores: { keyword: null, vector: null } };
      entry.score += weights[branch] / (k + rank);
      entry.subscores[branch] = { rank, score: hit.score };
      fused.set(hit.id, entry);
    });
  }
  const far = Number.MAX_SAFE_INTEGER;
  return [...fused]
    .map(([id, e]) => ({ id, score: e.score, subscores: e.subscores }))
    .sort(
      (a, b) =>
        b.score - a.score ||
        (a.subscores.keyword?.rank ?? far) - (b.subscores.keyword?.rank ?? far) ||
        (a.subscores.vector?.rank ?? far) - (b.subscores.vector?.rank ?? far),
    );
}
