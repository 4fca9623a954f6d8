import { canonicalJson } from './canonical-json';
import { canonicalSha256, sha256Hex, sha256Schema } from './sha256';

describe('canonicalJson', () => {
  it('sorts keys at every level, keeps array order and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('orders keys by code unit, not by locale (upper case before lower, "_" between)', () => {
    // localeCompare would give a, B, _c on most locales: the bytes would depend on the machine.
    expect(canonicalJson({ a: 1, B: 2, _c: 3 })).toBe('{"B":2,"_c":3,"a":1}');
  });

  it('leaves out undefined properties and writes dates as JSON does', () => {
    expect(canonicalJson({ a: undefined, b: null, at: new Date('2026-01-02T03:04:05.000Z') })).toBe('{"at":"2026-01-02T03:04:05.000Z","b":null}');
  });

  it('gives the same bytes for the same value whatever order it was built in', () => {
    const one = JSON.parse('{"clientId":"c","parameters":{"periodId":"p","dryRun":true}}') as unknown;
    const two = JSON.parse('{"parameters":{"dryRun":true,"periodId":"p"},"clientId":"c"}') as unknown;
    expect(canonicalJson(one)).toBe(canonicalJson(two));
    expect(canonicalSha256(one)).toBe(canonicalSha256(two));
    expect(canonicalSha256({ ...(one as object), extra: 1 })).not.toBe(canonicalSha256(one));
  });

  it('writes top-level scalars and undefined as JSON', () => {
    expect(canonicalJson('x')).toBe('"x"');
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(undefined)).toBe('null');
  });
});

describe('sha256Hex', () => {
  it('hashes strings as UTF-8 and bytes as given (the published test vectors)', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex(Buffer.from('abc'))).toBe(sha256Hex('abc'));
    expect(sha256Hex('é')).toBe(sha256Hex(Buffer.from([0xc3, 0xa9])));
  });

  it('matches the digest schema, which refuses upper case and other lengths', () => {
    expect(sha256Schema.safeParse(sha256Hex('x')).success).toBe(true);
    expect(sha256Schema.safeParse(sha256Hex('x').toUpperCase()).success).toBe(false);
    expect(sha256Schema.safeParse('ab').success).toBe(false);
  });
});
