export { toUnits, fromUnits, toCents, fromCents } from '@leaf/contracts';
export { sumMoneyBy, isExcluded, awpDiscountBuckets, type AwpDiscountBucket, type MoneyField } from './lib/testing/claim-aggregates.oracle';
