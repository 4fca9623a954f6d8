import type { CandidateTerm, PacketStatus } from '@leaf/contract-packets/domain';
import { guaranteeIdOf } from '@leaf/contract-packets/domain';
import { In, type DataSource, type EntityManager } from 'typeorm';
import { ContractPacketEntity } from '../entities/contract-packet.entity';
import { ContractPacketTermEntity } from '../entities/contract-packet-term.entity';
import { ContractPacketVersionEntity } from '../entities/contract-packet-version.entity';
import { PacketSourceStateEntity } from '../entities/packet-source-state.entity';

export type ClientScope = '*' | readonly string[];

export interface PacketPage {
  readonly items: ContractPacketEntity[];
  readonly nextCursor: string | null;
}

/** Decimal strings from the driver carry the column's full scale; drop trailing zeros only. */
export const trimRate = (value: string) => value.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');

/** The packet registry: packets, their versions and extracted terms, and each source's delta state. */
export class PacketRegistryRepository {
  constructor(private readonly ds: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(work);
  }

  findByItem(source: string, itemId: string): Promise<ContractPacketEntity | null> {
    return this.ds.getRepository(ContractPacketEntity).findOneBy({ source, itemId });
  }

  /** A packet visible to `scope`, or null (another client's packet is indistinguishable from none). */
  async get(packetId: string, scope: ClientScope, manager: EntityManager = this.ds.manager): Promise<ContractPacketEntity | null> {
    const packet = await manager.getRepository(ContractPacketEntity).findOneBy({ packetId });
    if (!packet || (scope !== '*' && !scope.includes(packet.clientId))) return null;
    return packet;
  }

  async list(scope: ClientScope, limit: number, after: string | null, clientId?: string): Promise<PacketPage> {
    if (scope !== '*' && scope.length === 0) return { items: [], nextCursor: null };
    const qb = this.ds
      .getRepository(ContractPacketEntity)
      .createQueryBuilder('p')
      .orderBy('p.packet_id', 'ASC')
      .take(limit + 1);
    if (scope !== '*') qb.andWhere('p.client_id IN (:...scope)', { scope: [...scope] });
    if (clientId) qb.andWhere('p.client_id = :clientId', { clientId });
    if (after) qb.andWhere('p.packet_id > :after', { after });
    const rows = await qb.getMany();
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? items[items.length - 1].packetId : null };
  }

  listBySource(source: string): Promise<ContractPacketEntity[]> {
    return this.ds.getRepository(ContractPacketEntity).findBy({ source });
  }

  async save(packet: ContractPacketEntity, manager: EntityManager = this.ds.manager): Promise<void> {
    packet.updatedAt = new Date();
    await manager.getRepository(ContractPacketEntity).save(packet);
  }

  /** Moves a packet (and the row of its current version) to `status`. */
  async setStatus(packet: ContractPacketEntity, status: PacketStatus, reason: string | null, manager: EntityManager = this.ds.manager): Promise<void> {
    packet.status = status;
    packet.reason = reason;
    await this.save(packet, manager);
    await manager
      .getRepository(ContractPacketVersionEntity)
      .update({ packetId: packet.packetId, version: packet.version }, { status, reason, sha256: packet.sha256, quickXorHash: packet.quickXorHash });
  }

  async addVersion(packet: ContractPacketEntity, manager: EntityManager = this.ds.manager): Promise<void> {
    await manager.getRepository(ContractPacketVersionEntity).insert({
      packetId: packet.packetId,
      version: packet.version,
      etag: packet.etag,
      size: packet.size,
      sha256: packet.sha256,
      quickXorHash: packet.quickXorHash,
      status: packet.status,
      reason: packet.reason,
    });
  }

  versions(packetId: string): Promise<ContractPacketVersionEntity[]> {
    return this.ds.getRepository(ContractPacketVersionEntity).find({ where: { packetId }, order: { version: 'ASC' } });
  }

  async saveTerms(
    packetId: string,
    version: number,
    periodId: string,
    terms: readonly CandidateTerm[],
    manager: EntityManager = this.ds.manager,
  ): Promise<void> {
    await manager.getRepository(ContractPacketTermEntity).delete({ packetId, version });
    if (terms.length === 0) return;
    await manager.getRepository(ContractPacketTermEntity).insert(
      terms.map((t, seq) => ({
        packetId,
        version,
        seq,
        guaranteeId: guaranteeIdOf(periodId, t),
        metric: t.metric,
        channel: t.channel,
        drugType: t.drugType,
        guaranteedValue: t.value,
        method: t.method,
        exclusions: t.exclusions.join(','),
        locator: t.locator.slice(0, 200),
        sourceText: t.sourceText.slice(0, 500),
        effectiveFrom: t.effectiveFrom,
        effectiveTo: t.effectiveTo,
      })),
    );
  }

  async terms(packetId: string, version: number, manager: EntityManager = this.ds.manager): Promise<ContractPacketTermEntity[]> {
    const rows = await manager.getRepository(ContractPacketTermEntity).find({ where: { packetId, version }, order: { seq: 'ASC' } });
    return rows.map((r) => ({
      ...r,
      guaranteedValue: r.guaranteedValue === null ? null : trimRate(r.guaranteedValue),
      effectiveFrom: isoDate(r.effectiveFrom),
      effectiveTo: isoDate(r.effectiveTo),
    }));
  }

  async termsOfPackets(packetIds: readonly string[]): Promise<ContractPacketTermEntity[]> {
    if (packetIds.length === 0) return [];
    return this.ds.getRepository(ContractPacketTermEntity).findBy({ packetId: In([...packetIds]) });
  }

  async cursor(sourceId: string): Promise<string | null> {
    return (await this.ds.getRepository(PacketSourceStateEntity).findOneBy({ sourceId }))?.deltaCursor ?? null;
  }

  async saveCursor(sourceId: string, deltaCursor: string): Promise<void> {
    await this.ds.getRepository(PacketSourceStateEntity).save({ sourceId, deltaCursor, lastSyncAt: new Date() });
  }
}

/** A DATE as the driver returns it (text, or a Date at UTC midnight) as `YYYY-MM-DD`. */
function isoDate(value: string | Date | null): string | null {
  if (value === null) return null;
  return typeof value === 'string' ? value.slice(0, 10) : value.toISOString().slice(0, 10);
}
