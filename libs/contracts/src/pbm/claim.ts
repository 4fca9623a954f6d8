import { z } from 'zod';
import { channelSchema, drugTypeSchema } from './channel';
import { clientIdSchema } from './client';
import { isoDateSchema, moneySchema } from './money';

/**
 * How the PBM priced the claim (NCPDP basis of reimbursement, folded to the bases a contract
 * names): AWP less a discount, the client's MAC list, WAC, NADAC, the pharmacy's U&C, or the
 * pharmacy's submitted cost.
 */
export const reimbursementBases = ['awp', 'mac', 'wac', 'nadac', 'uc', 'submitted'] as const;
export const reimbursementBasisSchema = z.enum(reimbursementBases);
export type ReimbursementBasis = z.infer<typeof reimbursementBasisSchema>;

/**
 * Medi-Span multi-source code: M multi-source co-licensed brand, N single-source brand, O
 * multi-source originator brand, Y multi-source generic. With the DAW code it is what a contract's
 * brand/generic definitions classify a claim by.
 */
export const monyCodes = ['M', 'N', 'O', 'Y'] as const;
export const monyCodeSchema = z.enum(monyCodes);
export type MonyCode = z.infer<typeof monyCodeSchema>;

export const pharmacyNetworkStatuses = ['in_network', 'out_of_network'] as const;
export const pharmacyNetworkStatusSchema = z.enum(pharmacyNetworkStatuses);
export type PharmacyNetworkStatus = z.infer<typeof pharmacyNetworkStatusSchema>;

/** The pharmacy types contracts treat differently (LTC and ITU are commonly excluded). */
export const pharmacyTypes = ['chain', 'independent', 'mail', 'specialty', 'ltc', 'itu', 'home_infusion'] as const;
export const pharmacyTypeSchema = z.enum(pharmacyTypes);
export type PharmacyType = z.infer<typeof pharmacyTypeSchema>;

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
  /** PBM audit detail (issue 19). A production mapping may lack some: see the claims source mapping. */
  basisOfReimbursement: reimbursementBasisSchema,
  monyCode: monyCodeSchema,
  /** Dispense-as-written (product selection) code, NCPDP 408-D8: 0 to 9. */
  dawCode: z.number().int().min(0).max(9),
  /** Generic Product Identifier: 14 digits, the same for every NDC of one drug, strength and form. */
  gpi: z.string().regex(/^\d{14}$/, 'GPI must be 14 digits'),
  pharmacyNetworkStatus: pharmacyNetworkStatusSchema,
  pharmacyType: pharmacyTypeSchema,
  /** When the PBM adjudicated the claim: on or after the fill date (late ones fall in a run-out window). */
  adjudicationDate: isoDateSchema,
  /**
   * What the PBM paid the pharmacy for the ingredient. `ingredientCostPaid` is what the client was
   * billed; on a pass-through contract the two are equal, and the difference is the PBM's spread.
   */
  pharmacyIngredientCostPaid: moneySchema,
  /** The member's share (copay, coinsurance, deductible). */
  patientPayAmount: moneySchema,
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
  ['basisOfReimbursement', 'basis_of_reimbursement'],
  ['monyCode', 'mony_code'],
  ['dawCode', 'daw_code'],
  ['gpi', 'gpi'],
  ['pharmacyNetworkStatus', 'pharmacy_network_status'],
  ['pharmacyType', 'pharmacy_type'],
  ['adjudicationDate', 'adjudication_date'],
  ['pharmacyIngredientCostPaid', 'pharmacy_ingredient_cost_paid'],
  ['patientPayAmount', 'patient_pay_amount'],
] as const satisfies ReadonlyArray<readonly [keyof Claim, string]>;
