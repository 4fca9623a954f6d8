import { z } from 'zod';

/**
 * Money and rates cross every boundary as decimal strings, never as JS numbers, so a value read
 * from the database, written to a CSV and summed again never drifts by a cent.
 */
export const moneySchema = z.string().regex(/^-?\d{1,12}\.\d{2}$/, 'money must be a decimal string with 2 places');
export type Money = z.infer<typeof moneySchema>;

export const rateSchema = z.string().regex(/^-?\d{1,6}(\.\d{1,6})?$/, 'rate must be a decimal string');
export type Rate = z.infer<typeof rateSchema>;

/** A real calendar date (2025-02-30 is rejected), so a bad date is a 400 here, not a database error. */
export const isoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'date must be YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'date must be a real calendar date');
