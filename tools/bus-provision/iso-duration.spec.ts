import { parseIsoDuration, toIsoDuration } from './iso-duration';

describe('ISO 8601 durations', () => {
  it.each([
    [30_000, 'PT30S'],
    [60_000, 'PT1M'],
    [600_000, 'PT10M'],
    [90_500, 'PT1M30.5S'],
    [86_400_000 * 14, 'P14D'],
    [0, 'PT0S'],
  ])('writes %i ms as %s and reads it back', (ms, text) => {
    expect(toIsoDuration(ms)).toBe(text);
    expect(parseIsoDuration(text)).toBe(ms);
  });

  it("reads the service's own spellings, including TimeSpan.MaxValue", () => {
    expect(parseIsoDuration('PT1H')).toBe(3_600_000);
    expect(parseIsoDuration('P10675199DT2H48M5.4775807S')).toBe(922337203685478);
  });

  it('refuses what is not a duration', () => {
    expect(() => parseIsoDuration('30s')).toThrow(RangeError);
    expect(() => parseIsoDuration('PT')).toThrow(RangeError);
    expect(() => toIsoDuration(-1)).toThrow(RangeError);
  });
});
