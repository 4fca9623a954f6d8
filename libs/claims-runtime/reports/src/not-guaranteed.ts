import { fromCents, toCents, type Channel, type DrugType, type GuaranteeMetric } from '@leaf/contracts';
import type { BucketAggregate, NotGuaranteedCell } from '@leaf/claims-runtime/domain';

type CellSums = Pick<BucketAggregate, 'channel' | 'drugType' | 'netClaims' | 'excludedClaims' | 'awp' | 'ingredientCost'>;
interface TermScope {
  readonly metric: GuaranteeMetric;
  readonly channel: Channel | null;
  readonly drugType: DrugType | null;
}

/** The metrics whose terms are measured on the claims (rebates are settled outside them). */
const measuredMetrics: readonly GuaranteeMetric[] = ['awp_discount', 'dispensing_fee'];

/**
 * The cells of the aggregate rows (segments of one cell added together) that no term of a metric
 * the contract guarantees covers, by metric, in a fixed order (channel, then drug type). A metric
 * with no term at all is not listed: the contract does not speak to it. Exact: cents added as
 * integers. A term counts as covering its cell for the whole period; a term in force for only part
 * of it is reported against its own dates in its bucket.
 */
export function notGuaranteedCells(rows: readonly CellSums[], terms: readonly TermScope[]): NotGuaranteedCell[] {
  const cells = new Map<
    string,
    {
      channel: Channel;
      drugType: DrugType;
      claims: number;
      excluded: number;
      awp: bigint;
      cost: bigint;
    }
  >();
  for (const r of rows) {
    const key = `${r.channel}\u0000${r.drugType}`;
    const cell = cells.get(key) ?? {
      channel: r.channel,
      drugType: r.drugType,
      claims: 0,
      excluded: 0,
      awp: 0n,
      cost: 0n,
    };
    cell.claims += r.netClaims;
    cell.excluded += r.excludedClaims;
    cell.awp += toCents(r.awp);
    cell.cost += toCents(r.ingredientCost);
    cells.set(key, cell);
  }
  const ordered = [...cells.values()]
    .filter((c) => c.claims !== 0)
    .sort((a, b) => (a.channel === b.channel ? a.drugType.localeCompare(b.drugType) : a.channel.localeCompare(b.channel)));
  return measuredMetrics.flatMap((metric) => {
    const own = terms.filter((t) => t.metric === metric);
    if (own.length === 0) return [];
    return ordered
      .filter((c) => !own.some((t) => (t.channel === null || t.channel === c.channel) && (t.drugType === null || t.drugType === c.drugType)))
      .map(
        (c): NotGuaranteedCell => ({
          metric,
          channel: c.channel,
          drugType: c.drugType,
          claimCount: c.claims,
          excludedClaimCount: c.excluded,
          awp: fromCents(c.awp),
          ingredientCostPaid: fromCents(c.cost),
        }),
      );
  });
}

/** The cells of one metric and their total (they partition its claims: one cell each). */
export function notGuaranteedTotal(cells: readonly NotGuaranteedCell[]): {
  claimCount: number;
  excludedClaimCount: number;
  awp: string;
  ingredientCostPaid: string;
} {
  return {
    claimCount: cells.reduce((n, c) => n + c.claimCount, 0),
    excludedClaimCount: cells.reduce((n, c) => n + c.excludedClaimCount, 0),
    awp: fromCents(cells.reduce((s, c) => s + toCents(c.awp), 0n)),
    ingredientCostPaid: fromCents(cells.reduce((s, c) => s + toCents(c.ingredientCostPaid), 0n)),
  };
}
