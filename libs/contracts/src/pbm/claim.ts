import { z } from 'zod';
import { channelSchema, drugTypeSchema } from './channel';
import { clientIdSchema } from './client';
import { isoDateSchema, moneySchema } from './money';

/**
 * The canonical pharmacy claim. Every claims source (the production SQL Server through its
 * mapping, the seeded embedded store, CSV extracts) is normalised to this shape.
 */
export const claimSchema = z.object({
  claimId: z.string().min(1).max(40),
  clientId: clientIdSchema,
  memberId: z.string().min(1).max(24),
  pharmacyNpi: z.string().regex(/^\d{10}$/),
  fillDate: isoDateSchema,
  ndc: z.string().regex(/^\d{11}$/, 'NDC must be 11 digits'),
  drugName: z.string().min(1).max(120),
  drugType: drugTypeSchema,
  channel: channelSchema,
  daysSupply: z.number().int().min(1).max(365),
  quantity: z.string().regex(/^\d{1,9}\.\d{3}$/),
  awp: moneySchema,
  ingredientCostPaid: moneySchema,
  dispensingFeePaid: moneySchema,
  usualAndCustomary: moneySchema,
  isCompound: z.boolean(),
  is340b: z.boolean(),
  isReversal: z.boolean(),
  reversesClaimId: z.string().max(40).nullable(),
  isUcPriced: z.boolean(),
});
export type Claim = z.infer<typeof claimSchema>;

/**
 * Column order of the `claims` table, CSV extracts and COPY loads. One list so the generator,
 * the loaders and the migrations cannot disagree.
 */
export const claimColumns = [
  ['claimId', 'claim_id'],
  ['clientId', 'client_id'],
  ['memberId', 'member_id'],
  ['pharmacyNpi', 'pharmacy_npi'],
  ['fillDate', 'fill_date'],
  ['ndc', 'ndc'],
  ['drugName', 'drug_name'],
  ['drugType', 'drug_type'],
  ['channel', 'channel'],
  ['daysSupply', 'days_supply'],
  ['quantity', 'quantity'],
  ['awp', 'awp'],
  ['ingredientCostPaid', 'ingredient_cost_paid'],
  ['dispensingFeePaid', 'dispensing_fee_paid'],
  ['usualAndCustomary', 'usual_and_customary'],
  ['isCompound', 'is_compound'],
  ['is340b', 'is_340b'],
  ['isReversal', 'is_reversal'],
  ['reversesClaimId', 'reverses_claim_id'],
  ['isUcPriced', 'is_uc_priced'],
] as const satisfies ReadonlyArray<readonly [keyof Claim, string]>;
