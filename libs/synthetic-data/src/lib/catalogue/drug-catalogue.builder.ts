import type { DrugType, MonyCode } from '@leaf/contracts';
import type { Prng } from '../random/mulberry32.prng';
import { brandMolecules, genericMolecules, specialtyBrandMolecules, specialtyGenericMolecules, type Molecule } from './drug-molecules.catalogue';

export interface DrugProduct {
  readonly ndc: string;
  readonly name: string;
  readonly drugType: DrugType;
  readonly specialty: boolean;
  /** Per-unit AWP in 1/100,000 dollars, so unit prices below a cent stay exact integers. */
  readonly unitAwpMicro: number;
  /** Quantity for 30 days in thousandths of a unit. */
  readonly perMonthMilli: number;
  readonly pack: boolean;
  /** Days supply of a short course, 0 for maintenance drugs. */
  readonly acuteDays: number;
  /** 14 digits: one per molecule, strength and form, shared by every labeler's NDC of it. */
  readonly gpi: string;
  /** Generics are Y; a brand is O (originator) when generics of it exist, N when single-source. */
  readonly mony: MonyCode;
}

/** A GPI-shaped code from the product's list, molecule and strength: no random draw, so adding it left every NDC and price as it was. */
const gpiOf = (list: number, molecule: number, strength: number): string =>
  `${list}${`${molecule + 1}`.padStart(4, '0')}00${`${strength + 1}`.padStart(2, '0')}0310`.padEnd(14, '0').slice(0, 14);

/** Pools by (channel family, drug type), ordered most-dispensed first. */
export interface DrugCatalogue {
  readonly all: readonly DrugProduct[];
  readonly retailBrand: readonly DrugProduct[];
  readonly retailGeneric: readonly DrugProduct[];
  readonly maintenanceBrand: readonly DrugProduct[];
  readonly maintenanceGeneric: readonly DrugProduct[];
  readonly specialtyBrand: readonly DrugProduct[];
  readonly specialtyGeneric: readonly DrugProduct[];
}

function shuffled<T>(prng: Prng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = prng.int(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export function buildDrugCatalogue(prng: Prng): DrugCatalogue {
  const usedLabelers = new Set<string>();
  const newLabeler = (): string => {
    for (;;) {
      const code = `${prng.between(10_000, 99_999)}`;
      if (!usedLabelers.has(code)) {
        usedLabelers.add(code);
        return code;
      }
    }
  };
  const genericLabelers = Array.from({ length: 8 }, newLabeler);
  const nextProduct = new Map<string, number>();
  const ndcFor = (labeler: string, packageCode: string): string => {
    const product = (nextProduct.get(labeler) ?? prng.between(100, 800)) + prng.between(1, 9);
    nextProduct.set(labeler, product);
    return `${labeler}${`${product}`.padStart(4, '0')}${packageCode}`;
  };

  const products = (molecules: readonly Molecule[], drugType: DrugType, specialty: boolean, labelersPerStrength: number, list: number) =>
    molecules.flatMap((molecule, m) => {
      const brandLabeler = drugType === 'brand' ? newLabeler() : '';
      const lo = Math.round(molecule.awp[0] * 100_000);
      const hi = Math.round(molecule.awp[1] * 100_000);
      const steps = Math.max(1, molecule.strengths.length - 1);
      return molecule.strengths.flatMap((strength, k) => {
        const strengthPrice = lo + Math.floor(((hi - lo) * k) / steps);
        const labelers = drugType === 'brand' ? [brandLabeler] : shuffled(prng, genericLabelers).slice(0, labelersPerStrength);
        return labelers.map(
          (labeler): DrugProduct => ({
            ndc: ndcFor(labeler, molecule.pack ? '01' : prng.pick(['01', '05', '30', '90'])),
            name: `${molecule.name} ${strength} ${molecule.form}`,
            drugType,
            specialty,
            // Each labeler lists within about 6% of the others for the same product.
            unitAwpMicro: Math.max(1, strengthPrice + Math.floor((strengthPrice * prng.between(-60, 60)) / 1000)),
            perMonthMilli: molecule.perMonth * 1000,
            pack: molecule.pack === true,
            acuteDays: molecule.acuteDays ?? 0,
            gpi: gpiOf(list, m, k),
            mony: drugType === 'generic' ? 'Y' : !specialty && m % 3 === 0 ? 'O' : 'N',
          }),
        );
      });
    });

  const retailGeneric = shuffled(prng, products(genericMolecules, 'generic', false, 3, 12));
  const retailBrand = shuffled(prng, products(brandMolecules, 'brand', false, 1, 27));
  const specialtyBrand = shuffled(prng, products(specialtyBrandMolecules, 'brand', true, 1, 66));
  const specialtyGeneric = shuffled(prng, products(specialtyGenericMolecules, 'generic', true, 2, 85));
  return {
    all: [...retailGeneric, ...retailBrand, ...specialtyBrand, ...specialtyGeneric],
    retailBrand,
    retailGeneric,
    maintenanceBrand: retailBrand,
    maintenanceGeneric: retailGeneric.filter((drug) => drug.acuteDays === 0),
    specialtyBrand,
    specialtyGeneric,
  };
}
