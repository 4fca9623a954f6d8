import { createSyntheticSeed } from '../seed/synthetic-seed.factory';
import { awpPercent, scheduleRows } from './rate-schedule.rows';
import { generateContractPackets } from './synthetic-packets';

describe('synthetic contract packets', () => {
  const seed = createSyntheticSeed({ seed: 5, claims: 0, clients: 4, months: 24 });

  it('writes one rate schedule per client and period, an amendment for every third client and one damaged scan', async () => {
    const packets = await generateContractPackets(seed);
    const schedules = packets.filter((p) => p.kind === 'rate-schedule');
    expect(schedules.map((p) => p.periodId).sort()).toEqual(seed.contractPeriods.map((p) => p.periodId).sort());
    expect(new Set(schedules.map((p) => p.name.split('.').pop()))).toEqual(new Set(['pdf', 'xlsx']));
    expect(schedules.every((p) => (p.name.endsWith('.pdf') ? p.bytes.subarray(0, 5).toString() === '%PDF-' : p.bytes.subarray(0, 2).toString() === 'PK'))).toBe(true);
    const amendments = packets.filter((p) => p.kind === 'amendment');
    expect(amendments.map((p) => p.clientId)).toEqual([seed.clients[0].clientId, seed.clients[3].clientId]);
    for (const a of amendments) {
      const [[guaranteeId, value]] = Object.entries(a.amended ?? {});
      const original = seed.contractGuarantees.find((g) => g.guaranteeId === guaranteeId);
      // Half a point above the seeded retail 30 brand discount.
      expect(Math.round((Number(value) - Number(original?.guaranteedValue)) * 10_000)).toBe(50);
    }
    expect(packets.filter((p) => p.kind === 'malformed')).toHaveLength(1);
  });

  it("states every bucket of a period's rate table in the contract's own notation", () => {
    const period = seed.contractPeriods[0];
    const rows = scheduleRows(seed.contractGuarantees.filter((g) => g.periodId === period.periodId));
    expect(rows).toHaveLength(16);
    expect(rows.filter((r) => r[0] === 'AWP discount')).toHaveLength(8);
    expect(rows.every((r) => r[0] !== 'AWP discount' || /^(AWP-\d+(\.\d+)?%|Not guaranteed)$/.test(r[3]))).toBe(true);
    expect(awpPercent('0.1825')).toBe('AWP-18.25%');
    expect(awpPercent('0.85')).toBe('AWP-85%');
  });
});
