import { Logger } from '@nestjs/common';
import { documentText, equalDecimal, type PacketFormat } from '@leaf/contract-packets/domain';
import {
  extractDocument,
  type ContractPacketEntity,
  type GuaranteeVersionsRepository,
  type PacketRegistryRepository,
} from '@leaf/contract-packets/data-access';
import { addToOutbox } from '@leaf/messaging';
import type { Lake } from '@leaf/storage';

export interface PromotionResult {
  readonly guaranteeIds: string[];
}

/**
 * Promotes a validated (or operator-approved) packet version: every guaranteed term becomes the
 * next version of its guarantee in contract_guarantees, citing the packet, its sha256 and the
 * cell or page; the packet turns `promoted`; `contracts.packet-promoted.v1` and the packet's
 * search document go into the outbox, all in one transaction. A term already current from this
 * very packet version is not re-versioned, so a repeated promotion changes nothing.
 */
export class PacketPromotion {
  private readonly log = new Logger('PacketPromotion');

  constructor(
    private readonly registry: PacketRegistryRepository,
    private readonly guarantees: GuaranteeVersionsRepository,
    private readonly lake: Lake,
  ) {}

  async promote(packet: ContractPacketEntity, decidedBy: string | null, text?: string): Promise<PromotionResult> {
    if (!packet.periodId || !packet.sha256) throw new Error(`packet ${packet.packetId} has no period or content hash to promote`);
    const searchText = text ?? (await this.textOf(packet));
    const periodId = packet.periodId;
    const sha256 = packet.sha256;
    const result = await this.registry.transaction(async (m) => {
      const terms = await this.registry.terms(packet.packetId, packet.version, m);
      const current = await this.guarantees.current(periodId, m);
      const guaranteeIds: string[] = [];
      for (const t of terms) {
        // "Not guaranteed" leaves the bucket as it is: contract_guarantees has no way to retract a term.
        if (t.guaranteedValue === null) continue;
        const now = current.get(t.guaranteeId);
        if (now && now.objectId === packet.packetId && now.sha256 === sha256 && equalDecimal(now.value, t.guaranteedValue)) continue;
        await this.guarantees.append(
          m,
          {
            guaranteeId: t.guaranteeId,
            clientId: packet.clientId,
            periodId,
            metric: t.metric,
            channel: t.channel,
            drugType: t.drugType,
            guaranteedValue: t.guaranteedValue,
            method: t.method,
            exclusions: t.exclusions,
            evidenceObjectId: packet.packetId,
            evidenceSha256: sha256,
            evidenceLocator: t.locator,
            // An amendment in force from July is a version for July on, never the whole year.
            effectiveFrom: t.effectiveFrom,
            effectiveTo: t.effectiveTo,
          },
          (now?.version ?? 0) + 1,
        );
        guaranteeIds.push(t.guaranteeId);
      }
      packet.decidedBy = decidedBy;
      packet.conflicts = null;
      await this.registry.setStatus(packet, 'promoted', null, m);
      const promotedAt = new Date().toISOString();
      await addToOutbox(m, 'contracts.packet-promoted.v1', {
        messageId: `packet-promoted:${packet.packetId}:v${packet.version}`,
        body: { packetId: packet.packetId, clientId: packet.clientId, sha256, guaranteeIds, promotedAt },
      });
      await addToOutbox(m, 'contracts.search-documents.v1', {
        messageId: `packet-search:${packet.packetId}:v${packet.version}`,
        body: {
          documentId: `contract-packet:${packet.packetId}`,
          clientId: packet.clientId,
          source: 'contract-packet',
          title: packet.name.slice(0, 500),
          text: searchText.slice(0, 1_000_000),
          sha256,
          locator: 'p1',
        },
      });
      return { guaranteeIds };
    });
    this.log.log(`packet ${packet.packetId} v${packet.version} promoted: ${result.guaranteeIds.length} guarantee version(s)`);
    return result;
  }

  private async textOf(packet: ContractPacketEntity): Promise<string> {
    if (!packet.lakeKey || !packet.format) return '';
    return documentText(await extractDocument(packet.format as PacketFormat, await this.lake.read(packet.lakeKey)));
  }
}
