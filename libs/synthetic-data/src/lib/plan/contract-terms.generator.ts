import {
  channels,
  drugTypes,
  type ClaimExclusion,
  type Channel,
  type ContractGuarantee,
  type ContractPeriod,
  type DrugType,
  type GuaranteeMetric,
} from '@leaf/contracts';
import { formatBasisPoints, formatCents } from '../money/fixed-point.format';
import type { Prng } from '../random/mulberry32.prng';
import { bucketCount, bucketIndex } from './pricing-buckets';

/** Guaranteed AWP discount ranges in basis points, as PBM rate tables quote them. */
const awpDiscountRangeBp: Readonly<Record<Channel, Readonly<Record<DrugType, readonly [number, number]>>>> = {
  retail30: { brand: [1800, 2000], generic: [8000, 8600] },
  retail90: { brand: [2100, 2300], generic: [8200, 8800] },
  mail: { brand: [2300, 2600], generic: [8500, 9000] },
  specialty: { brand: [1700, 2000], generic: [4000, 5000] },
};

const dispensingFeeCents: Readonly<Record<Channel, readonly number[]>> = {
  retail30: [75, 100, 125, 150, 175],
  retail90: [75, 100, 125, 150, 175],
  mail: [0],
  specialty: [125, 150, 150, 175],
};

/** Rebate guarantee per brand claim, in whole dollars. */
const rebateDollarsRange: Readonly<Record<Channel, readonly [number, number]>> = {
  retail30: [150, 250],
  retail90: [400, 700],
  mail: [400, 700],
  specialty: [1500, 2500],
};

/** Reversals are not excluded: a reversal nets its original out of every aggregate. */
const exclusionsByMetric: Readonly<Record<GuaranteeMetric, readonly ClaimExclusion[]>> = {
  awp_discount: ['uc_priced', 'compound', '340b'],
  dispensing_fee: ['uc_priced', 'compound'],
  rebate_per_brand_claim: ['340b', 'compound'],
};

const metricSlug: Readonly<Record<GuaranteeMetric, string>> = {
  awp_discount: 'awp',
  dispensing_fee: 'fee',
  rebate_per_brand_claim: 'rebate',
};

export interface ContractTerms {
  readonly guarantees: ContractGuarantee[];
  /** Guaranteed AWP discount per bucket in basis points; null where the contract is silent. */
  readonly awpDiscountBp: (number | null)[];
  /** Contracted dispensing fee per channel, in cents. */
  readonly feeCents: number[];
}

/** Quoted in whole quarter points, the way contracts state them (AWP-18.25%). */
function quarterPoints(prng: Prng, [lo, hi]: readonly [number, number]): number {
  return prng.between(lo / 25, hi / 25) * 25;
}

export function generateContractTerms(prng: Prng, period: ContractPeriod, options: { specialtyGenericGuaranteed: boolean }): ContractTerms {
  const guarantees: ContractGuarantee[] = [];
  const objectId = `${period.clientId}/${period.periodId}/rate-table`;
  const add = (metric: GuaranteeMetric, channel: Channel, drugType: DrugType | null, value: string, method: ContractGuarantee['method']) => {
    guarantees.push({
      guaranteeId: [period.periodId, metricSlug[metric], channel, drugType].filter(Boolean).join('-'),
      clientId: period.clientId,
      periodId: period.periodId,
      version: 1,
      metric,
      channel,
      drugType,
      guaranteedValue: value,
      method,
      exclusions: [...exclusionsByMetric[metric]],
      // Rate tables start under a header block; every term cites its own cell.
      evidence: { sourceSystem: 'synthetic-seed', objectId, sha256: null, locator: `sheet Rates!B${guarantees.length + 5}` },
    });
  };

  const awpDiscountBp: (number | null)[] = new Array<number | null>(bucketCount).fill(null);
  channels.forEach((channel, c) =>
    drugTypes.forEach((drugType, d) => {
      if (channel === 'specialty' && drugType === 'generic' && !options.specialtyGenericGuaranteed) return;
      const bp = quarterPoints(prng, awpDiscountRangeBp[channel][drugType]);
      awpDiscountBp[bucketIndex(c, d)] = bp;
      add('awp_discount', channel, drugType, formatBasisPoints(bp), 'aggregate');
    }),
  );

  // A fee is a per-claim ceiling: any claim paid above it is a finding on its own.
  const feeCents = channels.map((channel) => {
    const cents = prng.pick(dispensingFeeCents[channel]);
    add('dispensing_fee', channel, null, formatCents(cents), 'per_claim');
    return cents;
  });

  for (const channel of channels) {
    const [lo, hi] = rebateDollarsRange[channel];
    const dollars = prng.between(lo / 5, hi / 5) * 5;
    add('rebate_per_brand_claim', channel, 'brand', formatCents(dollars * 100), 'aggregate');
  }

  return { guarantees, awpDiscountBp, feeCents };
}
