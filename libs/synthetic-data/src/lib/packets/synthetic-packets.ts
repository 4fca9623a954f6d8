import { toUnits, fromUnits, type ContractGuarantee } from '@leaf/contracts';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SyntheticSeed } from '../seed/synthetic-seed.factory';
import { rateSchedulePdf } from './rate-schedule.pdf';
import { rowOf, scheduleRows, type PacketHeader } from './rate-schedule.rows';
import { rateScheduleXlsx } from './rate-schedule.xlsx';

export interface SyntheticPacket {
  readonly clientId: string;
  readonly periodId: string;
  /** File name inside the client's folder. */
  readonly name: string;
  readonly kind: 'rate-schedule' | 'amendment' | 'malformed';
  readonly bytes: Buffer;
  /** For an amendment: the guarantee ids it changes and their new values. */
  readonly amended?: Readonly<Record<string, string>>;
}

/** An amendment raises the retail 30 brand AWP discount by half a point: a realistic mid-contract change. */
function amend(g: ContractGuarantee): ContractGuarantee {
  return { ...g, guaranteedValue: fromUnits(toUnits(g.guaranteedValue, 6) + 5000n, 6).replace(/0+$/, '').replace(/\.$/, '') };
}

/**
 * The packets a PBM would have sent for the seeded contracts: one rate schedule per client and
 * contract period matching the seeded terms (workbooks and PDFs alternating), an amendment for
 * every third client's latest period, and one malformed PDF (a truncated scan) for the first client.
 */
export async function generateContractPackets(seed: SyntheticSeed): Promise<SyntheticPacket[]> {
  const packets: SyntheticPacket[] = [];
  let n = 0;
  for (const [clientIndex, client] of seed.clients.entries()) {
    const periods = seed.contractPeriods.filter((p) => p.clientId === client.clientId);
    for (const [i, period] of periods.entries()) {
      const guarantees = seed.contractGuarantees.filter((g) => g.periodId === period.periodId);
      const header: PacketHeader = { title: `${period.pbmName} pharmacy benefit rate schedule`, document: 'Rate Schedule', period };
      const year = period.startDate.slice(0, 4);
      const asPdf = n++ % 2 === 1;
      packets.push({
        clientId: client.clientId,
        periodId: period.periodId,
        name: `${year} rate schedule.${asPdf ? 'pdf' : 'xlsx'}`,
        kind: 'rate-schedule',
        bytes: asPdf ? await rateSchedulePdf(header, scheduleRows(guarantees)) : await rateScheduleXlsx(header, scheduleRows(guarantees)),
      });
      const target = guarantees.find((g) => g.metric === 'awp_discount' && g.channel === 'retail30' && g.drugType === 'brand');
      if (clientIndex % 3 === 0 && i === periods.length - 1 && target) {
        const changed = amend(target);
        packets.push({
          clientId: client.clientId,
          periodId: period.periodId,
          name: `${year} rate schedule - amendment 1.pdf`,
          kind: 'amendment',
          bytes: await rateSchedulePdf({ ...header, document: 'Amendment 1' }, [rowOf(changed)]),
          amended: { [changed.guaranteeId]: changed.guaranteedValue },
        });
      }
    }
    if (clientIndex === 0 && periods[0]) {
      const good = packets[0].bytes;
      packets.push({
        clientId: client.clientId,
        periodId: periods[0].periodId,
        name: `scanned rate schedule (damaged).pdf`,
        kind: 'malformed',
        bytes: Buffer.concat([Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R'), good.subarray(64, 512)]),
      });
    }
  }
  return packets;
}

/** Writes packets as `<dir>/<clientId>/<name>`, the layout the folder packet source reads. */
export async function writeContractPackets(dir: string, packets: readonly SyntheticPacket[]): Promise<void> {
  for (const p of packets) {
    await mkdir(join(dir, p.clientId), { recursive: true });
    await writeFile(join(dir, p.clientId, p.name), p.bytes);
  }
}
