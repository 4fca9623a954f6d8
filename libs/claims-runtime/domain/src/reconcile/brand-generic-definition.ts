import type { DrugType, MonyCode } from '@leaf/contracts';

/**
 * How a contract defines brand and generic from the claim's Medi-Span MONY code and its DAW code,
 * instead of taking the PBM's brand/generic indicator as given (issue 19: reclassification is the
 * most common dispute in discount guarantees).
 */
export interface BrandGenericDefinition {
  readonly id: string;
  /** MONY codes that are generic whatever the DAW code. */
  readonly genericMony: readonly MonyCode[];
  /** MONY codes that are generic when dispensed with one of `genericDaw` (a brand priced as its generic). */
  readonly brandAsGenericMony: readonly MonyCode[];
  readonly genericDaw: readonly number[];
  /** The definition in words, for the finding's detail and the methodology. */
  readonly text: string;
}

/**
 * The definition most PBM contracts state: a multi-source generic (MONY Y) is generic; a
 * multi-source brand (MONY M or O) dispensed at DAW 5 (substitution allowed, brand dispensed as
 * generic) is generic; every other claim (single-source brands, MONY N, and multi-source brands
 * at DAW 1 or 2) is brand.
 */
export const standardBrandGenericDefinition: BrandGenericDefinition = {
  id: 'mony-daw-standard',
  genericMony: ['Y'],
  brandAsGenericMony: ['M', 'O'],
  genericDaw: [5],
  text: 'generic: MONY Y, or MONY M/O dispensed DAW 5; brand: every other MONY/DAW',
};

/** The drug type the definition gives a claim, or null without a MONY code to go by. */
export function derivedDrugType(definition: BrandGenericDefinition, mony: string | null, daw: number | null): DrugType | null {
  if (mony === null) return null;
  if ((definition.genericMony as readonly string[]).includes(mony)) return 'generic';
  if ((definition.brandAsGenericMony as readonly string[]).includes(mony) && daw !== null && definition.genericDaw.includes(daw)) return 'generic';
  return 'brand';
}
