import type { Client, ContractGuarantee, ContractPeriod } from '@leaf/contracts';
import { addDays, addMonths, isoDatesBetween } from '../calendar/iso-date.calendar';
import { buildDrugCatalogue, type DrugCatalogue } from '../catalogue/drug-catalogue.builder';
import { buildPharmacyNetwork, type PharmacyNetwork } from '../catalogue/pharmacies.catalogue';
import { memberCountRange, pbmNames, planSponsors, type PlanSponsor } from '../catalogue/plan-sponsors.catalogue';
import { createPrng, deriveSeed, type Prng } from '../random/mulberry32.prng';
import { generateContractTerms } from './contract-terms.generator';
import type { ResolvedSeedOptions } from './seed-options.schema';

/** A contract period with its terms and the pricing the PBM actually delivered under them. */
export interface PeriodPricing {
  readonly period: ContractPeriod;
  readonly guarantees: readonly ContractGuarantee[];
  readonly guaranteedAwpBp: readonly (number | null)[];
  /** Discount the PBM achieves per bucket on average: below the guarantee is shortfall money. */
  readonly achievedAwpBp: readonly number[];
  readonly feeCents: readonly number[];
}

export interface ClientProfile {
  readonly client: Client;
  readonly memberPrefix: string;
  readonly periods: readonly PeriodPricing[];
}

/** Everything fixed before the first claim: the claim stream only reads it. */
export interface SeedPlan {
  readonly options: ResolvedSeedOptions;
  readonly profiles: readonly ClientProfile[];
  /** Every fill date in the window, and the index of the contract period it falls in. */
  readonly dates: readonly string[];
  readonly datePeriod: Uint8Array;
  readonly drugs: DrugCatalogue;
  readonly pharmacies: PharmacyNetwork;
}

/** PRNG streams: the world depends on the seed only, so more claims never reshuffle clients. */
export const prngStreams = { world: 1, drugs: 2, pharmacies: 3, claims: 4, claimDetail: 5 } as const;

function chooseSponsors(prng: Prng, count: number): PlanSponsor[] {
  // One of each segment first, so even a 4-client seed has an employer, a union, a public body and a plan.
  const remaining = [...planSponsors];
  const chosen: PlanSponsor[] = [];
  const take = (index: number) => chosen.push(...remaining.splice(index, 1));
  for (const segment of ['employer', 'union', 'public-sector', 'health-plan'] as const) {
    if (chosen.length === count) break;
    const candidates = remaining.flatMap((sponsor, i) => (sponsor.segment === segment ? [i] : []));
    take(prng.pick(candidates));
  }
  while (chosen.length < count && remaining.length > 0) take(prng.int(remaining.length));
  // More clients than the roster: further plans of the same sponsors, numbered.
  for (let n = 2; chosen.length < count; n++) {
    for (const sponsor of planSponsors) {
      if (chosen.length === count) break;
      chosen.push({ clientId: `${sponsor.clientId}-${n}`, name: `${sponsor.name} (Plan ${n})`, segment: sponsor.segment });
    }
  }
  return chosen;
}

function contractYears(start: string, months: number): { startDate: string; endDate: string }[] {
  const windowEnd = addMonths(start, months);
  const years: { startDate: string; endDate: string }[] = [];
  for (let k = 0; k * 12 < months; k++) {
    const next = addMonths(start, Math.min(12 * (k + 1), months));
    years.push({ startDate: addMonths(start, 12 * k), endDate: addDays(next < windowEnd ? next : windowEnd, -1) });
  }
  return years;
}

function achievedPricing(prng: Prng, guaranteed: readonly (number | null)[]): number[] {
  const guaranteedBuckets = guaranteed.flatMap((bp, i) => (bp === null ? [] : [i]));
  // Every period has at least one bucket under and one over its guarantee; the rest fall either way.
  const forcedShort = prng.pick(guaranteedBuckets);
  const others = guaranteedBuckets.filter((i) => i !== forcedShort);
  const forcedSurplus = prng.pick(others);
  return guaranteed.map((bp, i) => {
    const generic = i % 2 === 1;
    if (bp === null) return prng.between(3500, 5500);
    const short = i === forcedShort || (i !== forcedSurplus && prng.chance(0.35));
    const delta = short ? -(generic ? prng.between(100, 350) : prng.between(40, 150)) : generic ? prng.between(50, 400) : prng.between(20, 180);
    return Math.min(9300, bp + delta);
  });
}

export function buildSeedPlan(options: ResolvedSeedOptions): SeedPlan {
  const prng = createPrng(deriveSeed(options.seed, prngStreams.world));
  const clientCount = options.clients ?? prng.between(5, 8);
  const years = contractYears(options.start, options.months);

  const profiles = chooseSponsors(prng, clientCount).map((sponsor, index): ClientProfile => {
    const [lo, hi] = memberCountRange[sponsor.segment];
    const client: Client = {
      clientId: sponsor.clientId,
      name: sponsor.name,
      segment: sponsor.segment,
      memberCount: prng.between(lo / 100, hi / 100) * 100,
    };
    const pbmName = prng.pick(pbmNames);
    const specialtyGenericGuaranteed = prng.chance(0.5);
    const periods = years.map(({ startDate, endDate }): PeriodPricing => {
      const period: ContractPeriod = {
        periodId: `${client.clientId}-py${startDate.slice(0, 4)}`,
        clientId: client.clientId,
        pbmName,
        startDate,
        endDate,
      };
      const terms = generateContractTerms(prng, period, { specialtyGenericGuaranteed });
      return {
        period,
        guarantees: terms.guarantees,
        guaranteedAwpBp: terms.awpDiscountBp,
        achievedAwpBp: achievedPricing(prng, terms.awpDiscountBp),
        feeCents: terms.feeCents,
      };
    });
    return { client, memberPrefix: `M${`${index}`.padStart(2, '0')}`, periods };
  });

  const dates = isoDatesBetween(options.start, addMonths(options.start, options.months));
  const datePeriod = new Uint8Array(dates.length);
  dates.forEach((date, i) => {
    datePeriod[i] = Math.max(
      0,
      years.findLastIndex((year) => year.startDate <= date),
    );
  });

  return {
    options,
    profiles,
    dates,
    datePeriod,
    drugs: buildDrugCatalogue(createPrng(deriveSeed(options.seed, prngStreams.drugs))),
    pharmacies: buildPharmacyNetwork(createPrng(deriveSeed(options.seed, prngStreams.pharmacies))),
  };
}
