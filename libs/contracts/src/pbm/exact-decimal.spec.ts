import { fromCents, fromUnits, toCents, toUnits } from './exact-decimal';

describe('exact decimals', () => {
  it('round-trips money through integer cents, signs and zero included', () => {
    for (const m of ['0.00', '0.05', '-0.05', '123.45', '-98765432.10']) expect(fromCents(toCents(m))).toBe(m);
    expect(toCents('7')).toBe(700n);
    expect(toCents('1.5')).toBe(150n);
  });

  it('sums without floating-point drift', () => {
    const tenCents = Array.from({ length: 1000 }, () => toCents('0.10')).reduce((a, b) => a + b, 0n);
    expect(fromCents(tenCents)).toBe('100.00');
  });

  it('refuses more places than asked instead of rounding silently', () => {
    expect(() => toUnits('1.005', 2)).toThrow('more than 2 decimal places');
    expect(fromUnits(-5n, 6)).toBe('-0.000005');
  });
});
