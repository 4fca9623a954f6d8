import { fromUnits, toUnits } from './exact-decimal';

/**
 * How every output (the PDF, the workbook's text, the narrative) writes a figure, in one place so
 * they cannot round differently: exact decimal arithmetic, rounded half away from zero.
 */
const groupThousands = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** A decimal string of any scale rounded half away from zero to `places`. */
export function roundDecimal(value: string, places: number): string {
  const [, fraction = ''] = value.replace('-', '').split('.');
  const scale = Math.max(places, fraction.length);
  const units = toUnits(value, scale);
  const step = 10n ** BigInt(scale - places);
  const magnitude = units < 0n ? -units : units;
  const rounded = (magnitude * 2n + step) / (2n * step);
  return fromUnits(units < 0n ? -rounded : rounded, places);
}

/** `-1234567.805` → `-$1,234,567.81`: money (or a dollar rate) to the cent, or to `places`. */
export function formatMoney(value: string, places = 2): string {
  const rounded = roundDecimal(value.includes('.') ? value : `${value}.00`, places);
  const negative = rounded.startsWith('-') && /[1-9]/.test(rounded);
  const [whole = '0', fraction = ''] = rounded.replace('-', '').split('.');
  return `${negative ? '-' : ''}$${groupThousands(whole)}${fraction ? `.${fraction}` : ''}`;
}

export const formatCount = (count: number): string => groupThousands(String(count));

/** A fraction (`0.185`) as a percentage with two places (`18.50%`), or `places`. */
export function formatPercent(rate: string, places = 2): string {
  const percent = roundDecimal(fromUnits(toUnits(rate, 6) * 100n, 6), places);
  const negative = percent.startsWith('-') && /[1-9]/.test(percent);
  return `${negative ? '-' : ''}${percent.replace('-', '')}%`;
}

/** A term's value: a discount as a percentage, a fee or rebate in dollars; `n/a` when there is none. */
export function formatTerm(metric: string, value: string | null): string {
  if (value === null) return 'n/a';
  return metric === 'awp_discount' ? formatPercent(value) : formatMoney(value);
}

/** Decimal places a decimal string states: `1.255` → 3, `42` → 0. */
export const statedPlaces = (value: string): number => value.split('.')[1]?.length ?? 0;

/**
 * A term's value to the precision its rule states, never fewer than two places: a contract that
 * guarantees $0.975416 a claim prints $0.975416 (not $0.98, nor a truncated $0.97), and 86.055%
 * stays 86.055%. A measured value (an effective discount, an average fee) is given `rule`, the
 * term it is compared with, and prints at that term's precision, rounded half away from zero.
 */
export function formatTermAt(metric: string, value: string | null, rule: string | null = value): string {
  if (value === null) return 'n/a';
  const places = rule === null ? 0 : statedPlaces(rule);
  return metric === 'awp_discount' ? formatPercent(value, Math.max(2, places - 2)) : formatMoney(value, Math.max(2, places));
}
