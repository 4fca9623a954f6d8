import { ageInDays, blocksPromotion, gateOutcome, gateRuleSchema, rowCountChange } from './gate-rule';

describe('gate outcomes', () => {
  const notNull = gateRuleSchema.parse({ kind: 'not_null', id: 'channel.not_null', column: 'channel', severity: 'warn', mostly: 0.99 });
  const unique = gateRuleSchema.parse({ kind: 'unique', id: 'claim_id.unique', columns: ['claim_id'], severity: 'error' });

  it('passes within mostly, warns or fails beyond it by severity', () => {
    expect(gateOutcome(notNull, { checked: 1000, failed: 10 }).status).toBe('pass');
    expect(gateOutcome(notNull, { checked: 1000, failed: 11 })).toMatchObject({ status: 'warn', passRate: 0.989 });
    expect(unique.mostly).toBe(1);
    expect(gateOutcome(unique, { checked: 1000, failed: 0 }).status).toBe('pass');
    expect(gateOutcome(unique, { checked: 1000, failed: 1 }).status).toBe('fail');
  });

  it('blocks promotion on an error gate only', () => {
    const warn = gateOutcome(notNull, { checked: 10, failed: 5 });
    const fail = gateOutcome(unique, { checked: 10, failed: 2 });
    expect(blocksPromotion([warn])).toBe(false);
    expect(blocksPromotion([warn, fail])).toBe(true);
  });

  it('rejects a rule with an unknown kind or a mostly above 1', () => {
    expect(gateRuleSchema.safeParse({ kind: 'regex', id: 'x', column: 'a', severity: 'warn' }).success).toBe(false);
    expect(gateRuleSchema.safeParse({ kind: 'not_null', id: 'x', column: 'a', severity: 'warn', mostly: 1.5 }).success).toBe(false);
  });

  it('measures freshness in whole days and row-count change as a ratio', () => {
    expect(ageInDays('2024-06-28', '2024-07-07T12:00:00Z')).toBe(9);
    expect(rowCountChange(1000, 700)).toBeCloseTo(0.3);
    expect(rowCountChange(0, 5)).toBe(Number.POSITIVE_INFINITY);
  });
});
