import { divideRounded, formatBasisPoints, formatCents, formatMilli } from './fixed-point.format';

describe('fixed-point formatting', () => {
  it('writes cents as two-place decimals, negatives and zero included', () => {
    expect(formatCents(12345)).toBe('123.45');
    expect(formatCents(5)).toBe('0.05');
    expect(formatCents(-5)).toBe('-0.05');
    expect(formatCents(0)).toBe('0.00');
    expect(formatCents(-0)).toBe('0.00');
    // Beyond 2^31, where `| 0` tricks would wrap.
    expect(formatCents(999_999_999_999_99)).toBe('999999999999.99');
  });

  it('writes quantities with three places and rates with four', () => {
    expect(formatMilli(30_000)).toBe('30.000');
    expect(formatMilli(1_867)).toBe('1.867');
    expect(formatBasisPoints(1850)).toBe('0.1850');
    expect(formatBasisPoints(-25)).toBe('-0.0025');
  });

  it('rounds exact quotients half up without going through a float quotient', () => {
    expect(divideRounded(5, 10)).toBe(1);
    expect(divideRounded(4, 10)).toBe(0);
    expect(divideRounded(25, 10)).toBe(3);
    // 270.000 units at $0.003 (300 hundred-thousandths of a dollar) = $0.81.
    expect(divideRounded(270 * 1_000 * 300, 1_000_000)).toBe(81);
    expect(divideRounded(9_007_199_254_740_990, 1_000)).toBe(9_007_199_254_741);
  });
});
