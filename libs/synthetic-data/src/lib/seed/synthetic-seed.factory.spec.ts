import { createHash } from 'node:crypto';
import { claimSchema, clientSchema, contractGuaranteeSchema, contractPeriodSchema, type Channel, type Claim } from '@leaf/contracts';
import { csvChunks } from '../csv/csv-chunks';
import { claimsCsv } from '../csv/seed-tables.csv';
import { isSyntheticDataError } from '../errors/synthetic-data.error';
import { awpDiscountBuckets } from '../testing/claim-aggregates.oracle';
import { toCents } from '@leaf/contracts';
import { createSyntheticSeed, type SyntheticSeed } from './synthetic-seed.factory';

function digest(seed: SyntheticSeed): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify([seed.clients, seed.contractPeriods, seed.contractGuarantees]));
  for (const chunk of csvChunks(claimsCsv, seed.claims())) hash.update(chunk.text);
  return hash.digest('hex');
}

const share = (claims: readonly Claim[], predicate: (c: Claim) => boolean) => claims.filter(predicate).length / claims.length;

describe('synthetic PBM seed', () => {
  const seed = createSyntheticSeed({ seed: 42, claims: 60_000 });
  const claims = [...seed.claims()];
  const originals = claims.filter((c) => !c.isReversal);
  const periodOf = (claim: Claim) =>
    seed.contractPeriods.find((p) => p.clientId === claim.clientId && p.startDate <= claim.fillDate && claim.fillDate <= p.endDate);
  const feeTerm = (claim: Claim) =>
    seed.contractGuarantees.find((g) => g.metric === 'dispensing_fee' && g.periodId === periodOf(claim)?.periodId && g.channel === claim.channel);

  it('is byte-identical for the same seed and different for another seed', () => {
    const again = createSyntheticSeed({ seed: 42, claims: 60_000 });
    expect(digest(again)).toBe(digest(seed));
    expect(digest(createSyntheticSeed({ seed: 43, claims: 60_000 }))).not.toBe(digest(seed));
  });

  it('keeps clients and contracts fixed when only the claim count changes', () => {
    const bigger = createSyntheticSeed({ seed: 42, claims: 70_000 });
    expect(bigger.clients).toEqual(seed.clients);
    expect(bigger.contractGuarantees).toEqual(seed.contractGuarantees);
  });

  it('emits exactly the requested number of claims, each valid against the contract schema', () => {
    expect(claims).toHaveLength(60_000);
    const invalid = claims.filter((c) => !claimSchema.safeParse(c).success);
    expect(invalid).toEqual([]);
    expect(new Set(claims.map((c) => c.claimId)).size).toBe(claims.length);
  });

  it('streams lazily: the first claims of a 10M-claim seed arrive without building the rest', () => {
    const huge = createSyntheticSeed({ seed: 1, claims: 10_000_000 }).claims();
    const first = [huge.next().value, huge.next().value];
    expect(first.map((c) => c && c.claimId)).toEqual(['C0000000001', 'C0000000002']);
    huge.return();
  });

  it('generates 5-8 plan sponsors across segments with one contract period per client per year', () => {
    expect(seed.clients.length).toBeGreaterThanOrEqual(5);
    expect(seed.clients.length).toBeLessThanOrEqual(8);
    for (const client of seed.clients) expect(clientSchema.parse(client)).toEqual(client);
    expect(new Set(seed.clients.map((c) => c.segment))).toEqual(new Set(['employer', 'union', 'public-sector', 'health-plan']));
    for (const period of seed.contractPeriods) {
      expect(contractPeriodSchema.parse(period)).toEqual(period);
      expect([period.startDate, period.endDate]).toEqual(['2025-01-01', '2025-12-31']);
    }

    const twoYears = createSyntheticSeed({ seed: 42, claims: 0, clients: 3, start: '2025-07-01', months: 24 });
    expect(twoYears.clients).toHaveLength(3);
    const periods = twoYears.contractPeriods.filter((p) => p.clientId === twoYears.clients[0]?.clientId);
    expect(periods.map((p) => [p.startDate, p.endDate])).toEqual([
      ['2025-07-01', '2026-06-30'],
      ['2026-07-01', '2027-06-30'],
    ]);
  });

  it('writes rate tables with realistic guarantees, exclusions and evidence', () => {
    const rangeOf = (metric: string, channel: Channel, drugType: string | null) =>
      seed.contractGuarantees.filter((g) => g.metric === metric && g.channel === channel && g.drugType === drugType).map((g) => Number(g.guaranteedValue));
    const within = (values: number[], lo: number, hi: number) => {
      expect(values.length).toBeGreaterThan(0);
      for (const v of values) {
        expect(v).toBeGreaterThanOrEqual(lo);
        expect(v).toBeLessThanOrEqual(hi);
      }
    };
    within(rangeOf('awp_discount', 'retail30', 'brand'), 0.18, 0.2);
    within(rangeOf('awp_discount', 'retail30', 'generic'), 0.8, 0.86);
    within(rangeOf('awp_discount', 'retail90', 'brand'), 0.21, 0.23);
    within(rangeOf('awp_discount', 'mail', 'brand'), 0.23, 0.26);
    within(rangeOf('awp_discount', 'mail', 'generic'), 0.85, 0.9);
    within(rangeOf('awp_discount', 'specialty', 'brand'), 0.17, 0.2);
    within(rangeOf('dispensing_fee', 'retail30', null), 0.75, 1.75);
    within(rangeOf('dispensing_fee', 'mail', null), 0, 0);
    within(rangeOf('dispensing_fee', 'specialty', null), 1.25, 1.75);
    within(rangeOf('rebate_per_brand_claim', 'retail30', 'brand'), 150, 250);
    within(rangeOf('rebate_per_brand_claim', 'mail', 'brand'), 400, 700);
    within(rangeOf('rebate_per_brand_claim', 'specialty', 'brand'), 1500, 2500);

    for (const period of seed.contractPeriods) {
      const terms = seed.contractGuarantees.filter((g) => g.periodId === period.periodId);
      const awpTerms = terms.filter((g) => g.metric === 'awp_discount');
      // Seven cells always; specialty generic only where the contract names it.
      expect(awpTerms.length === 7 || awpTerms.length === 8).toBe(true);
      expect(terms.map((g) => g.evidence.locator)).toEqual(terms.map((_, i) => `sheet Rates!B${i + 5}`));
    }
    for (const g of seed.contractGuarantees) {
      expect(contractGuaranteeSchema.parse(g)).toEqual(g);
      expect(g.evidence).toMatchObject({ sourceSystem: 'synthetic-seed', objectId: `${g.clientId}/${g.periodId}/rate-table`, sha256: null });
    }
    expect(seed.contractGuarantees.find((g) => g.metric === 'awp_discount')?.exclusions).toEqual(['uc_priced', 'compound', '340b']);
    expect(new Set(seed.contractGuarantees.map((g) => g.guaranteeId)).size).toBe(seed.contractGuarantees.length);
  });

  it('follows the channel mix, brand share, days supply and flag rates of a real book', () => {
    expect(share(originals, (c) => c.channel === 'retail30')).toBeCloseTo(0.7, 1);
    expect(share(originals, (c) => c.channel === 'retail90')).toBeCloseTo(0.12, 1);
    expect(share(originals, (c) => c.channel === 'mail')).toBeCloseTo(0.1, 1);
    expect(share(originals, (c) => c.channel === 'specialty')).toBeCloseTo(0.08, 1);
    const brand = share(originals, (c) => c.drugType === 'brand');
    expect(brand).toBeGreaterThan(0.15);
    expect(brand).toBeLessThan(0.2);

    const rate = (predicate: (c: Claim) => boolean) => share(claims, predicate);
    expect(rate((c) => c.isCompound)).toBeGreaterThan(0.003);
    expect(rate((c) => c.isCompound)).toBeLessThan(0.007);
    expect(rate((c) => c.is340b)).toBeGreaterThan(0.007);
    expect(rate((c) => c.is340b)).toBeLessThan(0.013);
    expect(rate((c) => c.isUcPriced)).toBeGreaterThan(0.025);
    expect(rate((c) => c.isUcPriced)).toBeLessThan(0.035);
    expect(rate((c) => c.isReversal)).toBeGreaterThan(0.015);
    expect(rate((c) => c.isReversal)).toBeLessThan(0.025);

    const daysByChannel = (channel: Channel) => new Set(originals.filter((c) => c.channel === channel).map((c) => c.daysSupply));
    expect([...daysByChannel('specialty')].sort()).toEqual([28, 30]);
    expect(
      share(
        originals.filter((c) => c.channel === 'mail'),
        (c) => c.daysSupply === 90,
      ),
    ).toBeGreaterThan(0.99);
    expect(
      share(
        originals.filter((c) => c.channel === 'retail30'),
        (c) => c.daysSupply === 30,
      ),
    ).toBeGreaterThan(0.7);
    expect(new Set(claims.map((c) => c.ndc)).size).toBeGreaterThan(200);
    expect(new Set(claims.map((c) => c.fillDate.slice(0, 7))).size).toBe(12);
  });

  it('prices AWP as unit price x quantity and pays U&C-priced claims exactly their U&C', () => {
    const awpByNdcAndQuantity = new Map<string, string>();
    const inconsistent: Claim[] = [];
    for (const claim of originals) {
      const key = `${claim.ndc}|${claim.quantity}`;
      if ((awpByNdcAndQuantity.get(key) ?? claim.awp) !== claim.awp) inconsistent.push(claim);
      awpByNdcAndQuantity.set(key, claim.awp);
    }
    expect(inconsistent).toEqual([]);
    const specialty = originals.filter((c) => c.channel === 'specialty' && c.drugType === 'brand').map((c) => Number(c.awp));
    expect(Math.min(...specialty)).toBeGreaterThan(1_000);
    const ucPriced = originals.filter((c) => c.isUcPriced);
    expect(ucPriced.length).toBeGreaterThan(0);
    expect(ucPriced.filter((c) => toCents(c.ingredientCostPaid) + toCents(c.dispensingFeePaid) !== toCents(c.usualAndCustomary))).toEqual([]);
  });

  it('reverses only earlier claims of the same client, once each, with every amount negated', () => {
    const seen = new Map<string, Claim>();
    const reversedIds = new Set<string>();
    const wrong: { reversal: Claim; original: Claim | undefined }[] = [];
    const negated = (money: string) => (money === '0.00' ? money : `-${money}`);
    for (const claim of claims) {
      if (claim.isReversal) {
        const original = seen.get(claim.reversesClaimId ?? '');
        const mirrorsOriginal =
          original !== undefined &&
          !original.isReversal &&
          !reversedIds.has(original.claimId) &&
          JSON.stringify({ ...claim, claimId: '', isReversal: false, reversesClaimId: null }) ===
            JSON.stringify({
              ...original,
              claimId: '',
              awp: negated(original.awp),
              ingredientCostPaid: negated(original.ingredientCostPaid),
              dispensingFeePaid: negated(original.dispensingFeePaid),
              usualAndCustomary: negated(original.usualAndCustomary),
              pharmacyIngredientCostPaid: negated(original.pharmacyIngredientCostPaid),
              patientPayAmount: negated(original.patientPayAmount),
            });
        if (!mirrorsOriginal) wrong.push({ reversal: claim, original });
        reversedIds.add(claim.reversesClaimId ?? '');
      } else if (claim.reversesClaimId !== null) {
        wrong.push({ reversal: claim, original: undefined });
      }
      seen.set(claim.claimId, claim);
    }
    expect(reversedIds.size).toBeGreaterThan(claims.length * 0.015);
    expect(wrong).toEqual([]);
  });

  it('plants each audit anomaly a few times per 10k claims', () => {
    const paidAboveUc = originals.filter((c) => !c.isUcPriced && toCents(c.ingredientCostPaid) + toCents(c.dispensingFeePaid) > toCents(c.usualAndCustomary));
    const costAboveAwp = originals.filter((c) => toCents(c.ingredientCostPaid) > toCents(c.awp));
    const feeAboveContract = originals.filter((c) => !c.isUcPriced && Number(c.dispensingFeePaid) > Number(feeTerm(c)?.guaranteedValue));
    const shortNinetyDay = originals.filter((c) => (c.channel === 'retail90' || c.channel === 'mail') && c.daysSupply < 84);
    const fills = new Map<string, number>();
    for (const c of originals) {
      const key = `${c.memberId}|${c.ndc}|${c.fillDate}|${c.pharmacyNpi}`;
      fills.set(key, (fills.get(key) ?? 0) + 1);
    }
    const duplicateFills = [...fills.values()].filter((n) => n > 1);

    const perTenThousand = (n: number) => (n * 10_000) / claims.length;
    for (const found of [paidAboveUc.length, costAboveAwp.length, feeAboveContract.length, shortNinetyDay.length, duplicateFills.length]) {
      expect(found).toBeGreaterThan(0);
      expect(perTenThousand(found)).toBeLessThan(20);
    }
  });

  it('leaves real shortfall money in some guarantee buckets and surplus in others for the default seed', () => {
    const buckets = awpDiscountBuckets(createSyntheticSeed({ seed: 42, claims: 30_000 }));
    const shortfalls = buckets.filter((b) => b.shortfall);
    const surpluses = buckets.filter((b) => !b.shortfall && b.eligibleClaims > 0);
    expect(shortfalls.length).toBeGreaterThan(0);
    expect(surpluses.length).toBeGreaterThan(0);
    expect(Math.max(...shortfalls.map((b) => Number(b.shortfallAmount)))).toBeGreaterThan(1_000);
  });

  it('rejects bad options with a typed error naming the field', () => {
    for (const bad of [
      { seed: 1.5, claims: 10 },
      { seed: 1, claims: -1 },
      { seed: 1, claims: 1, start: '2025-02-30' },
    ]) {
      let caught: unknown;
      try {
        createSyntheticSeed(bad);
      } catch (error) {
        caught = error;
      }
      expect(isSyntheticDataError(caught, 'SYNTHETIC_OPTIONS_INVALID')).toBe(true);
    }
    expect(() => createSyntheticSeed({ seed: 1, claims: 1, start: '2025-02-30' })).toThrow(/start/);
  });
});
