/** How a finance reader names the engine's codes, in both the workbook and the PDF. */
const humanize = (code: string) => code.replaceAll('_', ' ');

const labels: Readonly<Record<string, string>> = {
  awp_discount: 'AWP discount',
  dispensing_fee: 'Dispensing fee',
  rebate_per_brand_claim: 'Rebate per brand claim',
  guarantee_shortfall: 'Guarantee shortfall',
  paid_above_uc: 'Paid above U&C',
  ingredient_above_awp: 'Ingredient cost above AWP',
  fee_above_contract: 'Fee above contract',
  duplicate_fill: 'Duplicate fill',
  short_days_supply_90: '90-day channel, short supply',
  brand_generic_reclass: 'Brand/generic reclassified',
  refill_too_soon: 'Refill too soon',
  implausible_days_supply: 'Days supply above plan maximum',
  daw_penalty: 'DAW 2 penalty not applied',
};

/** How a reader names a metric or finding kind; unknown codes fall back to their words. */
export const labelOf = (code: string) => labels[code] ?? humanize(code);
