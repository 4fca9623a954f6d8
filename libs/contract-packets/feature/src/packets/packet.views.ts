import type { ContractPacketEntity, ContractPacketTermEntity, ContractPacketVersionEntity } from '@leaf/contract-packets/data-access';
import type { PacketDetail, PacketSummary, PacketTermList } from '@leaf/contracts';

export function packetSummary(p: ContractPacketEntity): PacketSummary {
  return {
    packetId: p.packetId,
    clientId: p.clientId,
    source: p.source as PacketSummary['source'],
    name: p.name,
    format: p.format as PacketSummary['format'],
    kind: p.kind as PacketSummary['kind'],
    periodId: p.periodId,
    version: p.version,
    size: Number(p.size),
    sha256: p.sha256 ? p.sha256.trim() : null,
    quickXorHash: p.quickXorHash,
    status: p.status as PacketSummary['status'],
    reason: p.reason,
    updatedAt: new Date(p.updatedAt).toISOString(),
  };
}

export function packetDetail(p: ContractPacketEntity, versions: ContractPacketVersionEntity[]): PacketDetail {
  return {
    ...packetSummary(p),
    conflicts: p.conflicts ? (JSON.parse(p.conflicts) as PacketDetail['conflicts']) : [],
    decidedBy: p.decidedBy,
    versions: versions.map((v) => ({
      version: v.version,
      size: Number(v.size),
      sha256: v.sha256 ? v.sha256.trim() : null,
      status: v.status as PacketSummary['status'],
      reason: v.reason,
      recordedAt: new Date(v.recordedAt).toISOString(),
    })),
  };
}

export function packetTerms(p: ContractPacketEntity, terms: ContractPacketTermEntity[]): PacketTermList {
  return {
    packetId: p.packetId,
    version: p.version,
    items: terms.map((t) => ({
      guaranteeId: t.guaranteeId,
      metric: t.metric as PacketTermList['items'][number]['metric'],
      channel: t.channel as PacketTermList['items'][number]['channel'],
      drugType: t.drugType as PacketTermList['items'][number]['drugType'],
      guaranteedValue: t.guaranteedValue,
      method: t.method as PacketTermList['items'][number]['method'],
      exclusions: (t.exclusions ? t.exclusions.split(',') : []) as PacketTermList['items'][number]['exclusions'],
      sourceText: t.sourceText,
      evidence: { sourceSystem: 'contract-packet', objectId: p.packetId, sha256: p.sha256 ? p.sha256.trim() : null, locator: t.locator },
    })),
  };
}
