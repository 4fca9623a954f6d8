import { createPrng, deriveSeed } from './mulberry32.prng';

const draws = (seed: number, n: number) => {
  const prng = createPrng(seed);
  return Array.from({ length: n }, () => prng.next());
};

describe('mulberry32 PRNG', () => {
  it('replays the same sequence for the same seed and a different one for another seed', () => {
    expect(draws(42, 50)).toEqual(draws(42, 50));
    expect(draws(42, 50)).not.toEqual(draws(43, 50));
  });

  it('keeps streams of one seed apart', () => {
    expect(deriveSeed(42, 1)).not.toBe(deriveSeed(42, 2));
    expect(deriveSeed(42, 1)).not.toBe(deriveSeed(43, 1));
  });

  it('stays inside its ranges and covers them', () => {
    const prng = createPrng(9);
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) {
      const value = prng.between(3, 7);
      expect(value).toBeGreaterThanOrEqual(3);
      expect(value).toBeLessThanOrEqual(7);
      seen.add(value);
      const u = prng.next();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6, 7]);
  });
});
