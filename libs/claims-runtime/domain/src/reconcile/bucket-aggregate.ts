import type { Channel, DrugType } from '@leaf/contracts';

/** Sums over the net eligible claims of one channel x drug type under one exclusion set. */
export interface ExclusionSetSums {
  readonly claims: number;
  readonly awp: string;
  readonly ingredientCost: string;
  readonly dispensingFee: string;
}

/**
 * One row of the aggregate query, already in canonical codes: everything the engine needs about a
 * channel x drug type of the period. "Net" claims are claims that are neither reversals nor reversed.
 */
export interface BucketAggregate {
  readonly channel: Channel;
  readonly drugType: DrugType;
  /** The segment of the period (see ReconciliationPlan.segmentStarts); 0 when the period is not split. */
  readonly segment: number;
  readonly netClaims: number;
  /** Net claims carrying any exclusion flag (U&C-priced, compound, 340B). */
  readonly excludedClaims: number;
  /** AWP and ingredient cost of the net claims carrying no exclusion flag. */
  readonly eligibleAwp: string;
  readonly eligibleIngredientCost: string;
  readonly awp: string;
  readonly ingredientCost: string;
  /** Indexed like `ReconciliationPlan.exclusionSets`. */
  readonly sets: readonly ExclusionSetSums[];
  /** Indexed like `ReconciliationPlan.feeGuarantees`: fees paid above that ceiling, and how many claims. */
  readonly feeExcess: readonly {
    readonly claims: number;
    readonly amount: string;
  }[];
}
