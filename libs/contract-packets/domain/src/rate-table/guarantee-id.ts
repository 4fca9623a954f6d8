import type { GuaranteeMetric } from '@leaf/contracts';
import type { TermKey } from './candidate-term';

const metricSlug: Readonly<Record<GuaranteeMetric, string>> = {
  awp_discount: 'awp',
  dispensing_fee: 'fee',
  rebate_per_brand_claim: 'rebate',
};

/**
 * The stable id of a contracted term per period, metric, channel and drug type: the same id the
 * seeded terms use, so a promoted packet term becomes the next version of the same guarantee.
 */
export const guaranteeIdOf = (periodId: string, key: TermKey): string =>
  [periodId, metricSlug[key.metric], key.channel, key.drugType].filter(Boolean).join('-');
