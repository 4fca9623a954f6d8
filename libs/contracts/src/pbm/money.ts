import { z } from 'zod';

/**
 * Money and rates cross every boundary as decimal strings, never as JS numbers, so a value read
 * from the database, written to a CSV and summed again never drifts by a cent.
 */
export const moneySchema = z.string().regex(/^-?\d{1,12}\.\d{2}$/, 'money must be a decimal string with 2 places');
export type Money = z.infer<typeof moneySchema>;

export const rateSchema = z.string().regex(/^-?\d{1,6}(\.\d{1,6})?$/, 'rate must be a decimal string');
export type Rate = z.infer<typeof rateSchema>;

export const isoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date must be YYYY-MM-DD');
