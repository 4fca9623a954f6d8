/**
 * Money, quantities and rates are integers in fixed-point units inside the generator and become
 * decimal strings only here, so no float formatting ever touches a figure.
 */
const twoDigits: readonly string[] = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : `${i}`));
const threeDigits: readonly string[] = Array.from({ length: 1000 }, (_, i) => `${i}`.padStart(3, '0'));
const fourDigits: readonly string[] = Array.from({ length: 10000 }, (_, i) => `${i}`.padStart(4, '0'));

/** 12345 -> '123.45'; -5 -> '-0.05'. */
export function formatCents(cents: number): string {
  if (cents < 0) return `-${formatCents(-cents)}`;
  const rest = cents % 100;
  return `${(cents - rest) / 100}.${twoDigits[rest]}`;
}

/** Thousandths: 30000 -> '30.000'. */
export function formatMilli(milli: number): string {
  const rest = milli % 1000;
  return `${(milli - rest) / 1000}.${threeDigits[rest]}`;
}

/** Rates in 1/10,000 (basis points): 1850 -> '0.1850'. */
export function formatBasisPoints(bp: number): string {
  if (bp < 0) return `-${formatBasisPoints(-bp)}`;
  const rest = bp % 10000;
  return `${(bp - rest) / 10000}.${fourDigits[rest]}`;
}

/**
 * Rounds the exact quotient of two non-negative safe integers half-up, using only integer steps
 * (remainder first) so the result never depends on how a float quotient happened to round.
 */
export function divideRounded(numerator: number, denominator: number): number {
  const rest = numerator % denominator;
  const whole = (numerator - rest) / denominator;
  return rest * 2 >= denominator ? whole + 1 : whole;
}
