import { createPrng } from '../random/mulberry32.prng';
import { buildPharmacyNetwork, npiFromBase } from './pharmacies.catalogue';

describe('pharmacy network', () => {
  it('computes the NPI check digit the way CMS does (80840 prefix, Luhn)', () => {
    // CMS's published example NPI.
    expect(npiFromBase('123456789')).toBe('1234567893');
  });

  it('builds distinct valid NPIs per channel and a few fee-overcharging retail pharmacies', () => {
    const network = buildPharmacyNetwork(createPrng(7));
    const all = [...network.retail, ...network.mail, ...network.specialty];
    expect(new Set(all).size).toBe(all.length);
    for (const npi of all) {
      expect(npi).toMatch(/^\d{10}$/);
      expect(npiFromBase(npi.slice(0, 9))).toBe(npi);
    }
    expect(network.feeOverchargers.size).toBeGreaterThan(0);
    expect(network.feeOverchargers.size).toBeLessThan(network.retail.length / 100);
    for (const npi of network.feeOverchargers) expect(network.retail).toContain(npi);
  });
});
