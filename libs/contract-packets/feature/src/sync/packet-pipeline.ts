import { sha256Hex } from '@leaf/contracts';
import { Logger } from '@nestjs/common';
import {
  documentText,
  formatOfName,
  parseRateTable,
  quickXorHash,
  validatePacket,
  type PacketFormat,
  type PacketIssue,
  type PacketStatus,
  type ParsedPacket,
} from '@leaf/contract-packets/domain';
import {
  ContractPacketEntity,
  GuaranteeVersionsRepository,
  PacketRegistryRepository,
  extractDocument,
  isExtractionError,
  isPacketSourceError,
  type PacketSource,
  type SourceItem,
} from '@leaf/contract-packets/data-access';
import type { Lake } from '@leaf/storage';
import { packetIdOf } from './packet-id';

export type ItemOutcome = 'unchanged' | 'promoted' | 'review' | 'rejected' | 'validated' | 'deleted';

const contentTypes: Record<PacketFormat, string> = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

/** States a sync passes through within one round: finding one at the start of a round means the last round died. */
const unfinished: ReadonlySet<string> = new Set<PacketStatus>(['discovered', 'stored', 'extracted', 'validated']);

/** A rejection reason: what was wrong and where, short enough for the registry row. */
const reasonOf = (issues: readonly PacketIssue[]) =>
  issues
    .map((i) => `${i.code}: ${i.message}${i.locator ? ` (${i.locator})` : ''}`)
    .join('; ')
    .slice(0, 2000);

/**
 * One packet version through the pipeline: discovered -> stored (bytes verified against the
 * source's quickXorHash and size, kept content-addressed in the lake) -> extracted (terms with
 * locators) -> validated, or rejected with the reason at the first step that fails. A bad packet
 * never throws out of here; only a source failure does (the sync then keeps its old cursor).
 */
export class PacketPipeline {
  private readonly log = new Logger('PacketPipeline');

  constructor(
    private readonly registry: PacketRegistryRepository,
    private readonly guarantees: GuaranteeVersionsRepository,
    private readonly lake: Lake,
    private readonly source: PacketSource,
  ) {}

  /**
   * Registers a new version of `item` (or reports it unchanged) and runs it up to validation. A
   * version a crashed sync left part-way (discovered, stored, extracted, or validated but never
   * promoted) is run again as the same version: every step is idempotent for the same bytes.
   */
  async process(item: SourceItem): Promise<{ packet: ContractPacketEntity; outcome: ItemOutcome; text?: string; parsed?: ParsedPacket }> {
    const existing = await this.registry.findByItem(this.source.kind, item.itemId);
    const sameVersion = !!existing && existing.etag === item.eTag && item.eTag !== null;
    const interrupted = sameVersion && unfinished.has(existing.status);
    if (sameVersion && existing.status !== 'deleted' && !interrupted) {
      return { packet: existing, outcome: 'unchanged' };
    }
    const packet =
      existing ??
      Object.assign(new ContractPacketEntity(), {
        packetId: packetIdOf(this.source.sourceId, item.itemId),
        source: this.source.kind,
        itemId: item.itemId,
        version: 0,
        createdAt: new Date(),
      });
    Object.assign(packet, {
      clientId: item.clientId,
      name: item.name.slice(0, 400),
      format: formatOfName(item.name),
      etag: item.eTag,
      size: String(item.size),
      sha256: null,
      quickXorHash: item.quickXorHash,
      version: interrupted ? packet.version : packet.version + 1,
      status: 'discovered',
      reason: null,
      kind: null,
      periodId: null,
      lakeKey: null,
      conflicts: null,
      decidedBy: null,
    });
    await this.registry.transaction(async (m) => {
      if (interrupted) return this.registry.setStatus(packet, 'discovered', null, m);
      await this.registry.save(packet, m);
      await this.registry.addVersion(packet, m);
    });
    const reject = async (issues: PacketIssue[]) => {
      await this.registry.setStatus(packet, 'rejected', reasonOf(issues));
      this.log.warn(`packet ${packet.packetId} v${packet.version} rejected: ${issues.map((i) => i.code).join(', ')}`);
      return { packet, outcome: 'rejected' as const };
    };

    const format = packet.format as PacketFormat | null;
    if (!format) return reject([{ code: 'unsupported-format', message: 'only PDF, XLSX and DOCX packets are read' }]);

    let bytes: Uint8Array;
    try {
      bytes = await this.source.download(item);
    } catch (e) {
      if (isPacketSourceError(e, 'not-found')) {
        await this.registry.setStatus(packet, 'deleted', 'the file disappeared before it could be read');
        return { packet, outcome: 'deleted' };
      }
      throw e;
    }
    const computedXor = quickXorHash(bytes);
    if (item.quickXorHash !== null && item.quickXorHash !== computedXor) {
      return reject([
        {
          code: 'hash-mismatch',
          message: 'the downloaded bytes do not match the quickXorHash the source reported (tampered or corrupted download); nothing was stored',
        },
      ]);
    }
    if (item.size > 0 && bytes.length !== item.size) {
      return reject([{ code: 'hash-mismatch', message: `the download has ${bytes.length} bytes, the source reported ${item.size}; nothing was stored` }]);
    }
    const sha256 = sha256Hex(bytes);
    const stored = await this.lake.put('contract-packets', Buffer.from(bytes), { contentType: contentTypes[format], metadata: { packetid: packet.packetId } });
    if (stored.sha256 !== sha256) return reject([{ code: 'hash-mismatch', message: 'the lake stored different bytes than were downloaded' }]);
    Object.assign(packet, { sha256, quickXorHash: computedXor, lakeKey: stored.key, size: String(bytes.length) });
    await this.registry.setStatus(packet, 'stored', null);

    let parsed: ParsedPacket;
    let text: string;
    try {
      const doc = await extractDocument(format, bytes);
      parsed = parseRateTable(doc);
      text = documentText(doc);
    } catch (e) {
      if (isExtractionError(e)) return reject([{ code: e.code === 'encrypted' ? 'encrypted' : 'unreadable', message: e.message }]);
      throw e;
    }
    Object.assign(packet, { kind: parsed.kind, periodId: parsed.periodId?.slice(0, 64) ?? null });
    if (parsed.periodId) await this.registry.saveTerms(packet.packetId, packet.version, parsed.periodId, parsed.terms);
    await this.registry.setStatus(packet, 'extracted', null);

    const knownPeriodIds = await this.guarantees.periodsOf(packet.clientId);
    const current = parsed.periodId && knownPeriodIds.has(parsed.periodId) ? await this.guarantees.current(parsed.periodId) : new Map();
    const validation = validatePacket(parsed, { clientId: packet.clientId, knownPeriodIds, current, packetId: packet.packetId });
    if (validation.errors.length) return reject([...validation.errors]);
    if (validation.conflicts.length) {
      packet.conflicts = JSON.stringify(validation.conflicts);
      await this.registry.setStatus(
        packet,
        'review',
        `${validation.conflicts.length} term(s) conflict with promoted packet terms; an operator must approve or reject`,
      );
      this.log.log(`packet ${packet.packetId} v${packet.version} held for review (${validation.conflicts.length} conflicts)`);
      return { packet, outcome: 'review', text };
    }
    await this.registry.setStatus(packet, 'validated', null);
    return { packet, outcome: 'validated', text, parsed };
  }
}
