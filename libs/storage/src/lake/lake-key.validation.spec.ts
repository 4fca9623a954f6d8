import { contentKey, parseKey, validateArea, validatePrefix } from './lake-key.validation';

const hash = 'ab'.padEnd(64, '0');

describe('lake keys', () => {
  it('round-trips a content key into its area and hash', () => {
    const key = contentKey('bronze/claims', hash);
    expect(key).toBe(`bronze/claims/sha256/ab/${hash}`);
    expect(parseKey(key)).toEqual({ key, area: 'bronze/claims', sha256: hash, segments: ['bronze', 'claims', 'sha256', 'ab', hash] });
  });

  it('accepts the documented area grammar', () => {
    for (const area of ['bronze', 'bronze/claims', 'silver/2026-11.v2', 'a_b/c-d/e.f']) expect(validateArea(area)).toBe(area);
  });

  it('accepts partial prefixes but nothing that leaves the lake', () => {
    for (const prefix of ['', 'bronze', 'bronze/', 'bronze/cl', `bronze/sha256/ab/${hash.slice(0, 10)}`]) {
      expect(validatePrefix(prefix)).toBe(prefix);
    }
    for (const prefix of ['..', '../', 'bronze/..', 'bronze/../x', '/bronze', 'Bronze', 'a\\b', 'a%2f']) {
      expect(() => validatePrefix(prefix)).toThrow(expect.objectContaining({ code: 'LAKE_INVALID_KEY' }));
    }
  });
});
