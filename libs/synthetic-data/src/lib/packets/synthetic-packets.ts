import { toUnits, fromUnits, type ContractGuarantee } from '@leaf/contracts';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SyntheticDataError } from '../errors/synthetic-data.error';
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
  return {
    ...g,
    guaranteedValue: fromUnits(toUnits(g.guaranteedValue, 6) + 5000n, 6)
      .replace(/0+$/, '')
      .replace(/\.$/, ''),
  };
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

export interface WritePacketsOptions {
  /** Called after each file is written (and flushed) into the temporary folder, with the count so far. */
  readonly onWritten?: (written: number, total: number) => void;
}

/** The temporary folder `writeContractPackets` fills beside `dir` before renaming it into place. */
export const partialPacketsDir = (dir: string) => `${resolve(dir)}.partial`;

/**
 * Writes packets as `<dir>/<clientId>/<name>`, the layout the folder packet source reads, all or
 * nothing: every file goes into `<dir>.partial` (same parent, so the rename is atomic), flushed to
 * disk, and the folder is renamed to `dir` only once it is whole. A `.partial` folder left by a
 * writer that died is discarded first, so a crash never leaves a half-filled `dir` that a later
 * start would take as done. Refuses to replace an existing `dir`.
 */
export async function writeContractPackets(dir: string, packets: readonly SyntheticPacket[], options: WritePacketsOptions = {}): Promise<void> {
  const target = resolve(dir);
  const partial = partialPacketsDir(target);
  try {
    await rm(partial, { recursive: true, force: true });
    await mkdir(partial, { recursive: true });
    let written = 0;
    for (const p of packets) {
      await mkdir(join(partial, p.clientId), { recursive: true });
      await writeFile(join(partial, p.clientId, p.name), p.bytes, { flush: true });
      options.onWritten?.(++written, packets.length);
    }
    // rename(2) replaces an empty directory silently: an existing target is refused explicitly.
    if (await exists(target)) throw Object.assign(new Error('the packets folder already exists'), { code: 'EEXIST' });
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { recursive: true, force: true }).catch(() => undefined);
    // The folder's location is the caller's to report: the message names no path.
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).name;
    throw new SyntheticDataError('SYNTHETIC_PACKETS_WRITE_FAILED', `writing the synthetic contract packets failed (${reason}); nothing was published`, {
      cause: error,
    });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}
