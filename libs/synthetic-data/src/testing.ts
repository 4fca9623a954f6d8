export { toUnits, fromUnits, toCents, fromCents } from './lib/testing/exact-money';
export { sumMoneyBy, isExcluded, awpDiscountBuckets, type AwpDiscountBucket, type MoneyField } from './lib/testing/claim-aggregates.oracle';
