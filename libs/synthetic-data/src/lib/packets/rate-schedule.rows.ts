import { channels, drugTypes, fromUnits, toUnits, type ClaimExclusion, type ContractGuarantee, type ContractPeriod } from '@leaf/contracts';

/** What a packet says above its rate table. */
export interface PacketHeader {
  readonly title: string;
  /** `Rate Schedule` or `Amendment <n>`. */
  readonly document: string;
  readonly period: ContractPeriod;
}

/** One rate-table row as a PBM types it: Metric | Channel | Drug type | Guarantee | Exclusions. */
export type RateRow = readonly [metric: string, channel: string, drugType: string, guarantee: string, exclusions: string];

export const rateTableHeader: RateRow = ['Metric', 'Channel', 'Drug type', 'Guarantee', 'Exclusions'];

const channelLabel = { retail30: 'Retail 30', retail90: 'Retail 90', mail: 'Mail order', specialty: 'Specialty' } as const;
const exclusionLabel: Readonly<Record<ClaimExclusion, string>> = { uc_priced: 'U&C priced', compound: 'Compounds', '340b': '340B', reversal: 'Reversals' };

/** 0.1825 -> AWP-18.25% (the contract's own notation). */
export function awpPercent(fraction: string): string {
  const pct = fromUnits(toUnits(fraction, 6), 4).replace(/0+$/, '').replace(/\.$/, '');
  return `AWP-${pct}%`;
}

const exclusions = (g: ContractGuarantee) => g.exclusions.map((e) => exclusionLabel[e]).join('; ');

export function rowOf(g: ContractGuarantee): RateRow {
  const channel = g.channel ? channelLabel[g.channel] : 'All';
  const drugType = g.drugType ? g.drugType[0].toUpperCase() + g.drugType.slice(1) : 'All';
  switch (g.metric) {
    case 'awp_discount':
      return ['AWP discount', channel, drugType, awpPercent(g.guaranteedValue), exclusions(g)];
    case 'dispensing_fee':
      return ['Dispensing fee', channel, drugType, `$${g.guaranteedValue}`, exclusions(g)];
    case 'rebate_per_brand_claim':
      return ['Rebate per brand claim', channel, drugType, `$${g.guaranteedValue}`, exclusions(g)];
  }
}

/**
 * The full rate table of a period: every AWP bucket (an unguaranteed one stated as such, so the
 * schedule is complete), then fees and rebates, in the order the seeded terms were generated.
 */
export function scheduleRows(guarantees: readonly ContractGuarantee[]): RateRow[] {
  const rows: RateRow[] = [];
  for (const channel of channels) {
    for (const drugType of drugTypes) {
      const g = guarantees.find((x) => x.metric === 'awp_discount' && x.channel === channel && x.drugType === drugType);
      rows.push(g ? rowOf(g) : ['AWP discount', channelLabel[channel], drugType === 'brand' ? 'Brand' : 'Generic', 'Not guaranteed', '']);
    }
  }
  for (const g of guarantees) if (g.metric !== 'awp_discount') rows.push(rowOf(g));
  return rows;
}
