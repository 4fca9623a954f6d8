import type { Claim } from '@leaf/contracts';
import { createSyntheticSeed } from '../seed/synthetic-seed.factory';

const share = (claims: readonly Claim[], predicate: (c: Claim) => boolean) => claims.filter(predicate).length / claims.length;

describe('the PBM audit detail of synthetic claims', () => {
  const seed = createSyntheticSeed({ seed: 7, claims: 40_000 });
  const claims = [...seed.claims()];
  const originals = claims.filter((c) => !c.isReversal);
  const generics = originals.filter((c) => c.drugType === 'generic');
  const brands = originals.filter((c) => c.drugType === 'brand');
  const retail = originals.filter((c) => c.channel === 'retail30' || c.channel === 'retail90');

  it('is deterministic per seed', () => {
    expect([...createSyntheticSeed({ seed: 7, claims: 40_000 }).claims()]).toEqual(claims);
  });

  it('prices most generics off the MAC list, brands off AWP, U&C-priced claims at U&C', () => {
    const nonUcGenerics = generics.filter((c) => !c.isUcPriced && !c.isCompound);
    expect(share(nonUcGenerics, (c) => c.basisOfReimbursement === 'mac')).toBeGreaterThan(0.8);
    expect(share(nonUcGenerics, (c) => c.basisOfReimbursement === 'mac')).toBeLessThan(0.9);
    expect(
      share(
        brands.filter((c) => !c.isCompound),
        (c) => c.basisOfReimbursement === 'awp',
      ),
    ).toBeGreaterThan(0.9);
    expect(originals.filter((c) => c.isUcPriced).every((c) => c.basisOfReimbursement === 'uc')).toBe(true);
  });

  it('types about one brand claim in a hundred on a multi-source generic, and gives originators some DAW 1/2', () => {
    const onGeneric = share(brands, (c) => c.monyCode === 'Y');
    expect(onGeneric).toBeGreaterThan(0.004);
    expect(onGeneric).toBeLessThan(0.02);
    expect(generics.filter((c) => c.monyCode !== 'Y').every((c) => c.monyCode === 'O' && c.dawCode === 1)).toBe(true);
    expect(brands.some((c) => c.monyCode === 'O' && (c.dawCode === 1 || c.dawCode === 2))).toBe(true);
  });

  it('plants early refills at another pharmacy: a few per thousand claims repeat the member and GPI of an earlier claim at another pharmacy', () => {
    const earlier = new Map<string, Claim>();
    let refills = 0;
    for (const c of originals) {
      const key = `${c.clientId}|${c.memberId}|${c.gpi}`;
      const before = earlier.get(key);
      if (before && before.pharmacyNpi !== c.pharmacyNpi && c.ndc === before.ndc && c.awp === before.awp) refills += 1;
      earlier.set(key, c);
    }
    expect(refills / originals.length).toBeGreaterThan(0.0015);
    expect(refills / originals.length).toBeLessThan(0.006);
  });

  it('plants 90-day fills at 30-day retail pharmacies: a few per thousand retail-30 claims supply three times the days, quantity and cost', () => {
    const retail30 = originals.filter((c) => c.channel === 'retail30');
    const inflated = retail30.filter((c) => c.daysSupply > 34);
    expect(inflated.length / retail30.length).toBeGreaterThan(0.001);
    expect(inflated.length / retail30.length).toBeLessThan(0.004);
    expect(inflated.every((c) => c.daysSupply >= 84 && c.daysSupply % 3 === 0)).toBe(true);
    // Quantity and cost came along: the same drug's per-day quantity as its 30-day fills.
    for (const c of inflated.slice(0, 20)) {
      const usual = retail30.find((o) => o.ndc === c.ndc && o.daysSupply === c.daysSupply / 3 && o.daysSupply <= 34);
      if (usual) expect(Number(c.quantity)).toBeCloseTo(Number(usual.quantity) * 3, 3);
    }
  });

  it('charges most DAW 2 members the DAW penalty, not all: the rest are penalties the plan paid', () => {
    const daw2 = brands.filter((c) => c.dawCode === 2 && (c.monyCode === 'O' || c.monyCode === 'M'));
    expect(daw2.length).toBeGreaterThan(20);
    // A copay is at most $60 on a brand: above that, the member paid the penalty too.
    const charged = share(daw2, (c) => Number(c.patientPayAmount) > 60 || c.patientPayAmount === c.ingredientCostPaid);
    expect(charged).toBeGreaterThan(0.5);
    expect(charged).toBeLessThan(0.9);
    expect(daw2.every((c) => Number(c.patientPayAmount) <= Math.max(Number(c.ingredientCostPaid), 60))).toBe(true);
  });

  it('gives one GPI to every NDC of a product and one type to every pharmacy', () => {
    const gpiByName = new Map<string, Set<string>>();
    for (const c of originals) gpiByName.set(c.drugName, (gpiByName.get(c.drugName) ?? new Set()).add(c.gpi));
    expect([...gpiByName.values()].every((s) => s.size === 1)).toBe(true);
    const ndcsPerGpi = new Map<string, Set<string>>();
    for (const c of generics) ndcsPerGpi.set(c.gpi, (ndcsPerGpi.get(c.gpi) ?? new Set()).add(c.ndc));
    expect([...ndcsPerGpi.values()].some((s) => s.size > 1)).toBe(true);
    const typeByNpi = new Map<string, Set<string>>();
    for (const c of retail) typeByNpi.set(c.pharmacyNpi, (typeByNpi.get(c.pharmacyNpi) ?? new Set()).add(c.pharmacyType));
    expect([...typeByNpi.values()].every((s) => s.size === 1)).toBe(true);
    expect(share(retail, (c) => c.pharmacyType === 'ltc' || c.pharmacyType === 'itu')).toBeGreaterThan(0.02);
    expect(share(retail, (c) => c.pharmacyType === 'ltc' || c.pharmacyType === 'itu')).toBeLessThan(0.1);
    expect(originals.filter((c) => c.channel === 'mail').every((c) => c.pharmacyType === 'mail')).toBe(true);
  });

  it('puts a few retail claims out of network, adjudicates every claim on or after its fill date (2% very late), and pays pharmacies no more than the client was billed', () => {
    const oon = share(retail, (c) => c.pharmacyNetworkStatus === 'out_of_network');
    expect(oon).toBeGreaterThan(0.001);
    expect(oon).toBeLessThan(0.01);
    expect(originals.every((c) => c.adjudicationDate >= c.fillDate)).toBe(true);
    const lag = (c: Claim) => (Date.parse(c.adjudicationDate) - Date.parse(c.fillDate)) / 86_400_000;
    expect(share(originals, (c) => lag(c) >= 30)).toBeGreaterThan(0.01);
    expect(share(originals, (c) => lag(c) >= 30)).toBeLessThan(0.03);
    const cents = (m: string) => Math.round(Number(m) * 100);
    expect(originals.every((c) => cents(c.pharmacyIngredientCostPaid) <= cents(c.ingredientCostPaid))).toBe(true);
    const macGenerics = generics.filter((c) => c.basisOfReimbursement === 'mac');
    const spread = share(macGenerics, (c) => cents(c.pharmacyIngredientCostPaid) < cents(c.ingredientCostPaid));
    expect(spread).toBeGreaterThan(0.2);
    expect(spread).toBeLessThan(0.4);
    expect(brands.every((c) => Number(c.patientPayAmount) >= 25)).toBe(true);
  });
});
