import { formatCount, formatMoney, formatPercent, formatTerm, formatTermAt, roundDecimal, statedPlaces } from './display-format';

describe('display format', () => {
  it('rounds money half away from zero, never truncating (the PDF printed $0.975416 as $0.97)', () => {
    expect(formatMoney('0.975416')).toBe('$0.98');
    expect(formatMoney('0.975')).toBe('$0.98');
    expect(formatMoney('0.974999')).toBe('$0.97');
    expect(formatMoney('-0.005')).toBe('-$0.01');
    expect(formatMoney('-0.004')).toBe('$0.00');
    expect(formatMoney('1234567.8')).toBe('$1,234,567.80');
    expect(formatMoney('-25920.56')).toBe('-$25,920.56');
    expect(formatMoney('42')).toBe('$42.00');
  });

  it('writes rates as percentages with two places, half away from zero', () => {
    expect(formatPercent('0.185')).toBe('18.50%');
    expect(formatPercent('0.860050')).toBe('86.01%');
    expect(formatPercent('0.860049')).toBe('86.00%');
    expect(formatPercent('-0.000051')).toBe('-0.01%');
    expect(formatPercent('-0.000049')).toBe('0.00%');
    expect(formatPercent('1')).toBe('100.00%');
  });

  it('writes a term by its metric, and counts with thousands separators', () => {
    expect(formatTerm('awp_discount', '0.86')).toBe('86.00%');
    expect(formatTerm('dispensing_fee', '1.255')).toBe('$1.26');
    expect(formatTerm('rebate_per_brand_claim', null)).toBe('n/a');
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(roundDecimal('2.345', 2)).toBe('2.35');
    expect(roundDecimal('-2.345', 2)).toBe('-2.35');
  });

  it("prints a term to its rule's precision, and a measured value at its term's precision, half away from zero", () => {
    expect(formatTermAt('dispensing_fee', '0.975416')).toBe('$0.975416');
    expect(formatTermAt('dispensing_fee', '1.5')).toBe('$1.50');
    expect(formatTermAt('rebate_per_brand_claim', '42')).toBe('$42.00');
    expect(formatTermAt('dispensing_fee', '0.975416', '1.5')).toBe('$0.98');
    expect(formatTermAt('dispensing_fee', '0.9754165', '0.975416')).toBe('$0.975417');
    expect(formatTermAt('awp_discount', '0.86055')).toBe('86.055%');
    expect(formatTermAt('awp_discount', '0.175')).toBe('17.50%');
    expect(formatTermAt('awp_discount', '0.860449', '0.86055')).toBe('86.045%');
    expect(formatTermAt('awp_discount', null, '0.86')).toBe('n/a');
    expect(formatMoney('1234.5', 4)).toBe('$1,234.5000');
    expect(formatMoney('-0.0000005', 6)).toBe('-$0.000001');
    expect(formatPercent('0.123456', 4)).toBe('12.3456%');
    expect(statedPlaces('42')).toBe(0);
  });
});
