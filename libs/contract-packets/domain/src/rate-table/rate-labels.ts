import { fromUnits, toUnits, type Channel, type ClaimExclusion, type DrugType, type GuaranteeMetric } from '@leaf/contracts';

const norm = (s: string) =>
  s
    .toLowerCase()
    .replace(/[\s_()-]+/g, ' ')
    .trim();

const metricLabels: ReadonlyArray<[RegExp, GuaranteeMetric]> = [
  [/^awp discount( guarantee)?$/, 'awp_discount'],
  [/^dispensing fee( guarantee)?$/, 'dispensing_fee'],
  [/^rebate( guarantee)?( per brand claim)?$/, 'rebate_per_brand_claim'],
];

const channelLabels: ReadonlyArray<[RegExp, Channel]> = [
  [/^retail ?30( day)?$/, 'retail30'],
  [/^retail ?90( day)?$/, 'retail90'],
  [/^mail( order)?$/, 'mail'],
  [/^specialty$/, 'specialty'],
];

export const metricOf = (label: string): GuaranteeMetric | null => metricLabels.find(([re]) => re.test(norm(label)))?.[1] ?? null;
export const channelOf = (label: string): Channel | null => channelLabels.find(([re]) => re.test(norm(label)))?.[1] ?? null;

/** `undefined` when the label is not a drug type at all; null means "every drug type". */
export function drugTypeOf(label: string): DrugType | null | undefined {
  const n = norm(label);
  if (n === 'brand' || n === 'generic') return n;
  if (n === 'all' || n === 'any' || n === '' || n === '—') return null;
  return undefined;
}

const exclusionLabels: ReadonlyArray<[RegExp, ClaimExclusion]> = [
  [/^(u&c|u ?& ?c priced|uc priced|usual (and|&) customary)$/, 'uc_priced'],
  [/^compounds?$/, 'compound'],
  [/^340b$/, '340b'],
  [/^reversals?$/, 'reversal'],
];

/** `null` when a listed exclusion is not one the contract model knows (the packet then needs a look). */
export function exclusionsOf(label: string): ClaimExclusion[] | null {
  const parts = label.split(/[;,]/).map(norm).filter(Boolean);
  if (parts.length === 1 && parts[0] === 'none') return [];
  const out: ClaimExclusion[] = [];
  for (const part of parts) {
    const code = exclusionLabels.find(([re]) => re.test(part))?.[1];
    if (!code) return null;
    if (!out.includes(code)) out.push(code);
  }
  return out;
}

/** Words a rate table uses to state a bucket carries no guarantee. */
export const isExplicitlyAbsent = (text: string) => /^(not guaranteed|n\/a|none|no guarantee|—|-)$/i.test(text.trim());

/** `AWP-18.25%` or `18.25%` as a fraction decimal string (`0.1825`); null if not a percentage. */
export function percentToFraction(text: string): string | null {
  const m = /^(?:awp\s*[-–]\s*)?(\d{1,4}(?:\.\d{1,4})?)\s*%$/i.exec(text.trim());
  if (!m) return null;
  return trimDecimal(fromUnits(toUnits(m[1], 4), 6));
}

/** `$1.50` / `1.50` / `$5` as a money-like decimal string (`1.50`); null if not an amount. */
export function dollarsOf(text: string): string | null {
  const m = /^\$?\s*(\d{1,7}(?:\.\d{1,2})?)$/.exec(text.trim().replace(/,/g, ''));
  if (!m) return null;
  return fromUnits(toUnits(m[1], 2), 2);
}

export const trimDecimal = (value: string) => (value.includes('.') ? value.replace(/0+$/, '').replace(/\.$/, '') : value);
