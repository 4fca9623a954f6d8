import { channels, drugTypes } from '@leaf/contracts';
import type { CandidateTerm, ParsedPacket } from '../rate-table/candidate-term';
import { validatePacket, type CurrentTerm, type ValidationContext } from './packet-validation';

const term = (t: Partial<CandidateTerm> & Pick<CandidateTerm, 'metric' | 'channel'>): CandidateTerm => ({
  drugType: null,
  value: '1.00',
  method: 'aggregate',
  exclusions: [],
  locator: 'Rates!D5',
  sourceText: `${t.metric} ${t.channel}`,
  effectiveFrom: null,
  effectiveTo: null,
  ...t,
});

function fullSchedule(): CandidateTerm[] {
  const terms: CandidateTerm[] = [];
  for (const channel of channels)
    for (const drugType of drugTypes) terms.push(term({ metric: 'awp_discount', channel, drugType, value: drugType === 'brand' ? '0.18' : '0.85' }));
  for (const channel of channels) terms.push(term({ metric: 'dispensing_fee', channel, value: '1.00', method: 'per_claim' }));
  for (const channel of channels) terms.push(term({ metric: 'rebate_per_brand_claim', channel, drugType: 'brand', value: '5.00' }));
  return terms;
}

const packet = (terms: CandidateTerm[], kind: ParsedPacket['kind'] = 'rate-schedule'): ParsedPacket => ({
  kind,
  clientId: 'acme',
  periodId: 'acme-py2025',
  terms,
  issues: [],
});
const ctx = (current: CurrentTerm[] = []): ValidationContext => ({
  clientId: 'acme',
  knownPeriodIds: new Set(['acme-py2025']),
  current: new Map(current.map((c) => [c.guaranteeId, c])),
  packetId: 'pkt-2',
});

describe('validatePacket', () => {
  it('passes a complete schedule in range', () => {
    expect(validatePacket(packet(fullSchedule()), ctx())).toEqual({ errors: [], conflicts: [] });
  });

  it('rejects a discount above 100% with the cell that says it', () => {
    const terms = fullSchedule();
    terms[0] = { ...terms[0], value: '1.05', locator: 'Rates!D5' };
    expect(validatePacket(packet(terms), ctx()).errors).toEqual([expect.objectContaining({ code: 'out-of-range', locator: 'Rates!D5' })]);
  });

  it('requires every bucket of a schedule stated or explicitly excluded; an amendment restates only what changes', () => {
    const terms = fullSchedule().filter((t) => !(t.metric === 'awp_discount' && t.channel === 'specialty' && t.drugType === 'generic'));
    expect(validatePacket(packet(terms), ctx()).errors).toEqual([
      expect.objectContaining({ code: 'incomplete', message: expect.stringContaining('awp_discount specialty generic') }),
    ]);
    expect(validatePacket(packet([...terms, term({ metric: 'awp_discount', channel: 'specialty', drugType: 'generic', value: null })]), ctx()).errors).toEqual(
      [],
    );
    expect(validatePacket(packet(terms.slice(0, 1), 'amendment'), ctx()).errors).toEqual([]);
  });

  it('rejects a packet filed under another client or naming an unknown period', () => {
    const errors = validatePacket({ ...packet(fullSchedule()), clientId: 'globex', periodId: 'globex-py2025' }, ctx()).errors;
    expect(errors.map((e) => e.code)).toEqual(['client-mismatch', 'unknown-period']);
  });

  it('flags a conflict with a term another packet promoted, but not with the seeded baseline or for an amendment', () => {
    const promotedByPacket: CurrentTerm = {
      guaranteeId: 'acme-py2025-awp-retail30-brand',
      value: '0.1825',
      sourceSystem: 'contract-packet',
      objectId: 'pkt-1',
      locator: 'Rates!D5',
    };
    expect(validatePacket(packet(fullSchedule()), ctx([promotedByPacket])).conflicts).toEqual([
      {
        guaranteeId: 'acme-py2025-awp-retail30-brand',
        proposed: '0.18',
        current: '0.1825',
        currentObjectId: 'pkt-1',
        currentLocator: 'Rates!D5',
        locator: 'Rates!D5',
      },
    ]);
    expect(validatePacket(packet(fullSchedule()), ctx([{ ...promotedByPacket, value: '0.180000' }])).conflicts).toEqual([]);
    expect(validatePacket(packet(fullSchedule()), ctx([{ ...promotedByPacket, sourceSystem: 'synthetic-seed' }])).conflicts).toEqual([]);
    expect(validatePacket(packet(fullSchedule(), 'amendment'), ctx([promotedByPacket])).conflicts).toEqual([]);
  });
});
