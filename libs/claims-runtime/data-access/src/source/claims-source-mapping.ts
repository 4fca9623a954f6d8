import { channels, drugTypes, pharmacyNetworkStatuses, pharmacyTypes, reimbursementBases } from '@leaf/contracts';
import { z } from 'zod';

/** A bare SQL identifier: validated here so that no mapping can smuggle SQL into a query. */
const identifier = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'must be a plain SQL identifier (letters, digits, underscore)');

/** The canonical claim fields a reconciliation reads, each mapped to a source column. */
export const sourceClaimFields = [
  'claimId',
  'clientId',
  'memberId',
  'pharmacyNpi',
  'fillDate',
  'ndc',
  'drugType',
  'channel',
  'daysSupply',
  'awp',
  'ingredientCostPaid',
  'dispensingFeePaid',
  'usualAndCustomary',
  'isCompound',
  'is340b',
  'isReversal',
  'reversesClaimId',
  'isUcPriced',
] as const;
export type RequiredSourceClaimField = (typeof sourceClaimFields)[number];

/**
 * The PBM audit detail (issue 19). A claims database may not carry every one of them, so a mapping
 * may leave any out: the checks that need a field it does not map are not run, and the run's
 * recorded queries show which were (see `auditRuleFields`). A query that asks for an unmapped
 * field fails with CLAIMS_SOURCE_FIELD_UNMAPPED naming it.
 */
export const optionalSourceClaimFields = [
  'basisOfReimbursement',
  'monyCode',
  'dawCode',
  'gpi',
  'quantity',
  'pharmacyNetworkStatus',
  'pharmacyType',
  'adjudicationDate',
  'pharmacyIngredientCostPaid',
  'patientPayAmount',
] as const;
export type OptionalSourceClaimField = (typeof optionalSourceClaimFields)[number];
export type SourceClaimField = RequiredSourceClaimField | OptionalSourceClaimField;

const codeMap = <K extends string>(keys: readonly K[]) =>
  z.object(Object.fromEntries(keys.map((k) => [k, z.string().min(1).max(32)])) as Record<K, z.ZodString>).strict();

/**
 * How one deployment's claims table maps to the canonical claim. Production SQL Server claims
 * databases name tables, columns and codes differently; this is validated before any query is
 * built, and only identifiers and code values (sent as parameters) come from it.
 */
export const claimsSourceMappingSchema = z
  .object({
    dialect: z.enum(['postgres', 'mssql']),
    schema: identifier.optional(),
    table: identifier,
    columns: z
      .object({
        ...(Object.fromEntries(sourceClaimFields.map((f) => [f, identifier])) as Record<RequiredSourceClaimField, typeof identifier>),
        ...(Object.fromEntries(optionalSourceClaimFields.map((f) => [f, identifier.optional()])) as Record<
          OptionalSourceClaimField,
          z.ZodOptional<typeof identifier>
        >),
      })
      .strict(),
    /** Source codes for each channel and drug type (e.g. `R30` for retail30); identity when omitted. */
    channelCodes: codeMap(channels).optional(),
    drugTypeCodes: codeMap(drugTypes).optional(),
    /** Source codes of the optional coded fields; identity when omitted (MONY codes are Medi-Span's own). */
    basisCodes: codeMap(reimbursementBases).optional(),
    networkStatusCodes: codeMap(pharmacyNetworkStatuses).optional(),
    pharmacyTypeCodes: codeMap(pharmacyTypes).optional(),
  })
  .strict()
  .refine(
    (m) => {
      const mapped = Object.values(m.columns).filter((c): c is string => c !== undefined);
      return new Set(mapped).size === mapped.length;
    },
    {
      message: 'two fields are mapped to the same column',
      path: ['columns'],
    },
  );
export type ClaimsSourceMapping = z.infer<typeof claimsSourceMappingSchema>;

const snake = (field: string) => field.replace(/[A-Z0-9]+/g, (m) => `_${m.toLowerCase()}`);

/** The embedded (and test) claims table: the canonical `claims` table the seed loads. */
export const canonicalClaimsMapping: ClaimsSourceMapping = claimsSourceMappingSchema.parse({
  dialect: 'postgres',
  table: 'claims',
  columns: Object.fromEntries([...sourceClaimFields, ...optionalSourceClaimFields].map((f) => [f, f === 'is340b' ? 'is_340b' : snake(f)])),
});

/** Whether the mapping maps a field (every required one is). */
export const mapsField = (mapping: ClaimsSourceMapping, field: SourceClaimField): boolean => mapping.columns[field] !== undefined;
