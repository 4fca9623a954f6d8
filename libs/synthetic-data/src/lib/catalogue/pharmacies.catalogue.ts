import type { Prng } from '../random/mulberry32.prng';

export interface PharmacyNetwork {
  readonly retail: readonly string[];
  readonly mail: readonly string[];
  readonly specialty: readonly string[];
  /** Retail NPIs that bill a dispensing fee above contract (an audit finding to discover). */
  readonly feeOverchargers: ReadonlySet<string>;
  /** Surcharge in cents each overcharging pharmacy adds to the contracted fee. */
  readonly surchargeCents: ReadonlyMap<string, number>;
}

/**
 * A valid NPI: 9 digits starting with 1 or 2 plus the Luhn check digit computed with the
 * 80840 prefix, as CMS does, so downstream NPI validation accepts synthetic pharmacies.
 */
export function npiFromBase(base9: string): string {
  let sum = 24; // Luhn contribution of the constant prefix 80840.
  for (let i = 0; i < 9; i++) {
    let digit = base9.charCodeAt(8 - i) - 48;
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return `${base9}${(10 - (sum % 10)) % 10}`;
}

function uniqueNpis(prng: Prng, count: number, taken: Set<string>): string[] {
  const npis: string[] = [];
  while (npis.length < count) {
    const base = `1${`${prng.int(100_000_000)}`.padStart(8, '0')}`;
    const npi = npiFromBase(base);
    if (taken.has(npi)) continue;
    taken.add(npi);
    npis.push(npi);
  }
  return npis;
}

export function buildPharmacyNetwork(prng: Prng, retailCount = 2_400): PharmacyNetwork {
  const taken = new Set<string>();
  const retail = uniqueNpis(prng, retailCount, taken);
  const mail = uniqueNpis(prng, 3, taken);
  const specialty = uniqueNpis(prng, 6, taken);
  // About one retail pharmacy in a thousand overbills fees: a few claims per 10k, as audits find.
  const overchargers = Math.max(1, Math.round(retailCount / 1_000));
  const surchargeCents = new Map<string, number>();
  while (surchargeCents.size < overchargers) surchargeCents.set(prng.pick(retail), prng.between(1, 4) * 25);
  return { retail, mail, specialty, feeOverchargers: new Set(surchargeCents.keys()), surchargeCents };
}
