import type { Claim, MonyCode, PharmacyType, ReimbursementBasis } from '@leaf/contracts';
import { addDays } from '../calendar/iso-date.calendar';
import type { DrugProduct } from '../catalogue/drug-catalogue.builder';
import { divideRounded, formatCents } from '../money/fixed-point.format';
import type { Prng } from '../random/mulberry32.prng';

/**
 * Rates of the PBM audit detail (issue 19). Drawn from a PRNG stream of their own, so adding them
 * left every earlier field of every claim exactly as it was.
 */
export const auditDetailMix = {
  /** Generic fills priced off the client's MAC list (the rest NADAC or AWP), as at most PBMs. */
  genericMac: 0.85,
  genericNadac: 0.05,
  brandWac: 0.04,
  /** Brand claims of an originator billed DAW 1 (prescriber) or DAW 2 (patient). */
  daw1OnOriginator: 0.03,
  daw2OnOriginator: 0.04,
  /**
   * Claims typed brand whose product is a multi-source generic (MONY Y, DAW 0): the most common
   * discount-guarantee dispute, about one brand claim in a hundred.
   */
  brandOnMultiSourceGeneric: 0.01,
  /** Claims typed generic that the definitions make brand (an originator at DAW 1): in the client's favour. */
  genericOnOriginator: 0.001,
  outOfNetworkAtRetail: 0.004,
  /** Retail pharmacy types, by share of pharmacies (decided per NPI, so a pharmacy keeps its type). */
  retailTypesPerMille: [
    ['chain', 600],
    ['independent', 350],
    ['ltc', 40],
    ['itu', 10],
  ] as const,
  homeInfusionAtSpecialty: 0.05,
  /** Adjudicated after the fill date; 2% very late (30 to 120 days), for run-out windows. */
  adjudicatedLater: 0.13,
  adjudicatedVeryLate: 0.02,
  /** Generic MAC claims where the pharmacy was paid less than the client was billed (spread). */
  spreadOnGenericMac: 0.3,
  /**
   * Claims that repeat the member's latest fill of the same drug at another pharmacy a few days
   * later: early refills across pharmacies, which a refill-too-soon edit should have stopped.
   */
  refillAtAnotherPharmacy: 0.003,
  /**
   * DAW 2 fills (the member chose the brand) where the plan charged the member the brand's cost
   * above its generic's: most of them; the rest are the unapplied penalties an audit recovers.
   */
  dawPenaltyApplied: 0.7,
  /** Of a DAW-penalty member's payment: the copay plus this share of the brand's cost, at most all of it. */
  dawPenaltyShareOfCostPct: 85,
  /**
   * Retail-30 claims billed as a 90-day fill (three times the days, quantity and cost) at a
   * pharmacy whose benefit allows 34 days: supply the plan did not cover.
   */
  ninetyDayFillAtRetail30: 0.002,
} as const;

export interface AuditDetailInput {
  readonly drug: DrugProduct;
  readonly channelIndex: number;
  readonly pharmacyNpi: string;
  readonly fillDate: string;
  readonly ingredientCostCents: number;
  readonly isUcPriced: boolean;
  readonly isCompound: boolean;
}

type AuditDetail = Pick<
  Claim,
  | 'basisOfReimbursement'
  | 'monyCode'
  | 'dawCode'
  | 'gpi'
  | 'pharmacyNetworkStatus'
  | 'pharmacyType'
  | 'adjudicationDate'
  | 'pharmacyIngredientCostPaid'
  | 'patientPayAmount'
>;

/** A retail pharmacy's type from its NPI alone: the same pharmacy has the same type on every claim. */
export function retailTypeOf(npi: string): PharmacyType {
  const perMille = Number(npi.slice(3, 9)) % 1000;
  let upTo = 0;
  for (const [type, share] of auditDetailMix.retailTypesPerMille) {
    upTo += share;
    if (perMille < upTo) return type;
  }
  return 'chain';
}

/** The audit detail of one new (not reversed, not duplicated) claim. */
export function drawAuditDetail(prng: Prng, c: AuditDetailInput): AuditDetail {
  const { next, between } = prng;
  const brand = c.drug.drugType === 'brand';
  let mony: MonyCode = c.drug.mony;
  let daw = 0;
  if (brand && next() < auditDetailMix.brandOnMultiSourceGeneric) mony = 'Y';
  else if (!brand && next() < auditDetailMix.genericOnOriginator) {
    mony = 'O';
    daw = 1;
  } else if (mony === 'O') {
    const u = next();
    daw = u < auditDetailMix.daw1OnOriginator ? 1 : u < auditDetailMix.daw1OnOriginator + auditDetailMix.daw2OnOriginator ? 2 : 0;
  }

  let basis: ReimbursementBasis;
  const u = next();
  if (c.isUcPriced) basis = 'uc';
  else if (c.isCompound) basis = 'submitted';
  else if (!brand) basis = u < auditDetailMix.genericMac ? 'mac' : u < auditDetailMix.genericMac + auditDetailMix.genericNadac ? 'nadac' : 'awp';
  else basis = u < auditDetailMix.brandWac ? 'wac' : 'awp';

  const pharmacyType: PharmacyType =
    c.channelIndex === 2
      ? 'mail'
      : c.channelIndex === 3
        ? next() < auditDetailMix.homeInfusionAtSpecialty
          ? 'home_infusion'
          : 'specialty'
        : retailTypeOf(c.pharmacyNpi);
  const outOfNetwork = c.channelIndex <= 1 && next() < auditDetailMix.outOfNetworkAtRetail;

  const late = next();
  const adjudicationDate =
    late < auditDetailMix.adjudicatedVeryLate
      ? addDays(c.fillDate, between(30, 120))
      : late < auditDetailMix.adjudicatedLater
        ? addDays(c.fillDate, between(1, 3))
        : c.fillDate;

  let pharmacyCents = c.ingredientCostCents;
  if (basis === 'mac' && c.ingredientCostCents > 0 && next() < auditDetailMix.spreadOnGenericMac)
    pharmacyCents -= divideRounded(c.ingredientCostCents * between(3, 25), 100);

  let patientPayCents = brand ? between(25, 60) * 100 : between(0, 10) * 100;
  // A member who chose the brand pays its cost above the generic's too, where the plan applied the penalty.
  if (daw === 2 && next() < auditDetailMix.dawPenaltyApplied)
    patientPayCents = Math.min(c.ingredientCostCents, patientPayCents + divideRounded(c.ingredientCostCents * auditDetailMix.dawPenaltyShareOfCostPct, 100));
  return {
    basisOfReimbursement: basis,
    monyCode: mony,
    dawCode: daw,
    gpi: c.drug.gpi,
    pharmacyNetworkStatus: outOfNetwork ? 'out_of_network' : 'in_network',
    pharmacyType,
    adjudicationDate,
    pharmacyIngredientCostPaid: formatCents(pharmacyCents),
    patientPayAmount: formatCents(patientPayCents),
  };
}
