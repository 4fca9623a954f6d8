import { fromCents, fromUnits, toCents, toUnits } from '@leaf/contracts';

/** Rounds a bigint quotient half away from zero (finance rounding), exactly. */
export function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = (n * 2n + d) / (2n * d);
  return negative ? -q : q;
}

/** 1 - cost / awp as a 6-place rate; null when there is no AWP to discount from. */
export function effectiveDiscount(awp: string, cost: string): string | null {
  const a = toCents(awp);
  if (a === 0n) return null;
  return fromUnits(divideHalfUp((a - toCents(cost)) * 1_000_000n, a), 6);
}

/** amount / count as a 6-place rate; null with no claims. */
export function average(amount: string, count: number): string | null {
  if (count === 0) return null;
  return fromUnits(divideHalfUp(toCents(amount) * 10_000n, BigInt(count)), 6);
}

/**
 * What an AWP-discount term is owed, in millionths of a cent (positive: shortfall, negative: the
 * PBM beat the guarantee): guaranteed x AWP - (AWP - ingredient cost) = (guaranteed - effective) x AWP.
 */
export const awpVarianceMicroCents = (guaranteed: string, awp: string, cost: string): bigint =>
  toUnits(guaranteed, 6) * toCents(awp) - (toCents(awp) - toCents(cost)) * 1_000_000n;

/** Fees paid above a per-claim fee x claims, in millionths of a cent. */
export const feeVarianceMicroCents = (guaranteedFee: string, feesPaid: string, claims: number): bigint =>
  toCents(feesPaid) * 1_000_000n - toUnits(guaranteedFee, 6) * 100n * BigInt(claims);

export const microCentsToMoney = (micro: bigint): string => fromCents(divideHalfUp(micro, 1_000_000n));

export const addMoney = (...amounts: string[]): string => fromCents(amounts.reduce((s, a) => s + toCents(a), 0n));

export const maxZero = (money: string): string => (toCents(money) > 0n ? money : '0.00');

/** guaranteed per-unit dollars x count, as money. */
export const timesCount = (rate: string, count: number): string => microCentsToMoney(toUnits(rate, 6) * 100n * BigInt(count));
