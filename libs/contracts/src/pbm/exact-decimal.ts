/**
 * Decimal strings to exact integer units and back. Money crosses boundaries as decimal strings;
 * arithmetic on it happens here, in bigint units, never in floating point.
 */
export function toUnits(decimal: string, places: number): bigint {
  const negative = decimal.startsWith('-');
  const [whole = '0', fraction = ''] = (negative ? decimal.slice(1) : decimal).split('.');
  if (fraction.length > places) throw new Error(`${decimal} has more than ${places} decimal places`);
  const units = BigInt(whole) * 10n ** BigInt(places) + BigInt(fraction.padEnd(places, '0') || '0');
  return negative ? -units : units;
}

export function fromUnits(units: bigint, places: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(places + 1, '0');
  const text = `${digits.slice(0, -places)}.${digits.slice(-places)}`;
  return negative ? `-${text}` : text;
}

export const toCents = (money: string): bigint => toUnits(money, 2);
export const fromCents = (cents: bigint): string => fromUnits(cents, 2);
