import { artifactFileNameSchema } from './artifact-names';
import { idempotencyKeySchema } from './idempotency-key';

describe('idempotencyKeySchema', () => {
  it.each([
    ['a UUID', '0b9d6c7e-5f1a-4e39-9a51-3c2b7d8e1f60'],
    ['the key the gateway forwards', `gw-${'a'.repeat(64)}`],
    ["lane-worker's task attempt key", 'tsk_01jz8v2y3w4x5a6b7c8d9e0f1g.2'],
    ['8 characters', 'abcd:1.2'],
    ['128 characters', 'k'.repeat(128)],
  ])('accepts %s', (_what, key) => {
    expect(idempotencyKeySchema.safeParse(key).success).toBe(true);
  });

  it.each([
    ['7 characters', 'k'.repeat(7)],
    ['129 characters', 'k'.repeat(129)],
    ['a space', 'retry key 1'],
    ['a slash', 'runs/2026-01'],
    ['non-ASCII', 'schlüssel-1'],
    ['an empty string', ''],
  ])('refuses %s with the rule as message', (_what, key) => {
    const result = idempotencyKeySchema.safeParse(key);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('Idempotency-Key must be 8 to 128 characters of A-Z a-z 0-9 _ . : -');
  });
});

describe('artifactFileNameSchema', () => {
  it('accepts plain file names and refuses paths and hidden names', () => {
    for (const ok of ['narrative.md', 'run-inputs.json', 'a', 'Report_2026.xlsx']) expect(artifactFileNameSchema.safeParse(ok).success).toBe(true);
    for (const bad of ['../etc/passwd', 'a/b.json', '.hidden', '', 'x'.repeat(201), 'a b.txt'])
      expect(artifactFileNameSchema.safeParse(bad).success).toBe(false);
  });
});
