import { channels, drugTypes } from '@leaf/contracts';
import { z } from 'zod';

/** A bare SQL identifier: validated here so that no mapping can smuggle SQL into a query. */
const identifier = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]{0,127}$/,
    'must be a plain SQL identifier (letters, digits, underscore)',
  );

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
export type SourceClaimField = (typeof sourceClaimFields)[number];

const codeMap = <K extends string>(keys: readonly K[]) =>
  z
    .object(
      Object.fromEntries(
        keys.map((k) => [k, z.string().min(1).max(32)]),
      ) as Record<K, z.ZodString>,
    )
    .strict();

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
      .object(
        Object.fromEntries(
          sourceClaimFields.map((f) => [f, identifier]),
        ) as Record<SourceClaimField, typeof identifier>,
      )
      .strict(),
    /** Source codes for each channel and drug type (e.g. `R30` for retail30); identity when omitted. */
    channelCodes: codeMap(channels).optional(),
    drugTypeCodes: codeMap(drugTypes).optional(),
  })
  .strict()
  .refine(
    (m) => new Set(Object.values(m.columns)).size === sourceClaimFields.length,
    {
      message: 'two fields are mapped to the same column',
      path: ['columns'],
    },
  );
export type ClaimsSourceMapping = z.infer<typeof claimsSourceMappingSchema>;

const snake = (field: string) =>
  field.replace(/[A-Z0-9]+/g, (m) => `_${m.toLowerCase()}`);

/** The embedded (and test) claims table: the canonical `claims` table the seed loads. */
export const canonicalClaimsMapping: ClaimsSourceMapping =
  claimsSourceMappingSchema.parse({
    dialect: 'postgres',
    table: 'claims',
    columns: Object.fromEntries(
      sourceClaimFields.map((f) => [f, f === 'is340b' ? 'is_340b' : snake(f)]),
    ),
  });
