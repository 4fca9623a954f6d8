import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isSyntheticDataError } from '../errors/synthetic-data.error';
import { createSyntheticSeed } from '../seed/synthetic-seed.factory';
import { awpPercent, scheduleRows } from './rate-schedule.rows';
import { generateContractPackets, partialPacketsDir, writeContractPackets, type SyntheticPacket } from './synthetic-packets';

const filesUnder = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();

describe('synthetic contract packets', () => {
  const seed = createSyntheticSeed({ seed: 5, claims: 0, clients: 4, months: 24 });

  it('writes one rate schedule per client and period, an amendment for every third client and one damaged scan', async () => {
    const packets = await generateContractPackets(seed);
    const schedules = packets.filter((p) => p.kind === 'rate-schedule');
    expect(schedules.map((p) => p.periodId).sort()).toEqual(seed.contractPeriods.map((p) => p.periodId).sort());
    expect(new Set(schedules.map((p) => p.name.split('.').pop()))).toEqual(new Set(['pdf', 'xlsx']));
    expect(schedules.every((p) => (p.name.endsWith('.pdf') ? p.bytes.subarray(0, 5).toString() === '%PDF-' : p.bytes.subarray(0, 2).toString() === 'PK'))).toBe(
      true,
    );
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

  describe('writing the packets folder', () => {
    let root: string;
    let packets: SyntheticPacket[];
    beforeAll(async () => {
      packets = await generateContractPackets(seed);
    });
    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'leaf-packets-write-'));
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it('publishes the folder whole: nothing at the target until the last file is written', async () => {
      const dir = join(root, 'packets');
      const seenAtTarget: boolean[] = [];
      await writeContractPackets(dir, packets, { onWritten: () => seenAtTarget.push(existsSync(dir)) });
      expect(seenAtTarget).toEqual(packets.map(() => false));
      expect(filesUnder(dir)).toEqual(packets.map((p) => `${p.clientId}/${p.name}`).sort());
      expect(readFileSync(join(dir, packets[0].clientId, packets[0].name))).toEqual(packets[0].bytes);
      expect(existsSync(partialPacketsDir(dir))).toBe(false);
    });

    it('discards a half-written temporary folder left by a writer that died, and writes it again', async () => {
      const dir = join(root, 'packets');
      const partial = partialPacketsDir(dir);
      mkdirSync(join(partial, packets[0].clientId), { recursive: true });
      writeFileSync(join(partial, packets[0].clientId, packets[0].name), packets[0].bytes.subarray(0, 100));
      writeFileSync(join(partial, packets[0].clientId, 'left over.pdf'), 'x');
      await writeContractPackets(dir, packets);
      expect(filesUnder(dir)).toEqual(packets.map((p) => `${p.clientId}/${p.name}`).sort());
      expect(readFileSync(join(dir, packets[0].clientId, packets[0].name))).toEqual(packets[0].bytes);
      expect(existsSync(partial)).toBe(false);
    });

    it('publishes nothing when writing fails part way, and never replaces an existing folder', async () => {
      const dir = join(root, 'packets');
      const failed: unknown = await writeContractPackets(dir, packets, {
        onWritten: (n) => {
          if (n === 3) throw new Error('disk full');
        },
      }).catch((e: unknown) => e);
      expect(isSyntheticDataError(failed, 'SYNTHETIC_PACKETS_WRITE_FAILED')).toBe(true);
      expect([existsSync(dir), existsSync(partialPacketsDir(dir))]).toEqual([false, false]);

      mkdirSync(join(dir, 'mine'), { recursive: true });
      writeFileSync(join(dir, 'mine', 'own.pdf'), 'kept');
      const refused: unknown = await writeContractPackets(dir, packets).catch((e: unknown) => e);
      expect(isSyntheticDataError(refused, 'SYNTHETIC_PACKETS_WRITE_FAILED')).toBe(true);
      expect((refused as Error).message).not.toContain(root);
      expect(filesUnder(dir)).toEqual(['mine/own.pdf']);
    });
  });
});
