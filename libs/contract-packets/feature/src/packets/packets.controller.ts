import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import {
  packetListQuerySchema,
  packetParamsSchema,
  packetRejectBodySchema,
  packetSyncBodySchema,
  type Identity,
  type PacketDetail,
  type PacketList,
  type PacketListQuery,
  type PacketRejectBody,
  type PacketSyncBody,
  type PacketSummary,
  type PacketSyncResult,
  type PacketTermList,
} from '@leaf/contracts';
import type { ContractPacketEntity } from '@leaf/contract-packets/data-access';
import { AppError, CurrentIdentity, RequireRole, ZodPipe, assertClientVisible, visibleClientIds } from '@leaf/platform';
import { PacketSyncService } from '../sync/packet-sync.service';
import { packetDetail, packetSummary, packetTerms } from './packet.views';

/**
 * The packet registry, scoped: a caller sees only its clients' packets, and another client's
 * packet is a 404 like one that does not exist. Approving and rejecting need the operator role.
 */
@Controller('v1/packets')
export class PacketsController {
  constructor(@Inject(PacketSyncService) private readonly packets: PacketSyncService) {}

  @Get()
  async list(@CurrentIdentity() identity: Identity, @Query(new ZodPipe(packetListQuerySchema)) query: PacketListQuery): Promise<PacketList> {
    if (query.clientId) assertClientVisible(identity, query.clientId);
    const page = await this.packets.registry.list(visibleClientIds(identity), query.limit, query.cursor ?? null, query.clientId);
    return { items: page.items.map(packetSummary), nextCursor: page.nextCursor };
  }

  /** Triggers one sync round (the `contracts.sync` task kind calls this); answers when it is done. */
  @Post('sync')
  @HttpCode(202)
  @RequireRole('operator')
  async sync(@CurrentIdentity() identity: Identity, @Body(new ZodPipe(packetSyncBodySchema)) body: PacketSyncBody): Promise<PacketSyncResult> {
    if (body?.clientId) assertClientVisible(identity, body.clientId);
    // A round covers only clients the caller may see: one named, else the caller's scope.
    const result = await this.packets.sync(body?.clientId ? [body.clientId] : visibleClientIds(identity));
    return body?.clientId ? { ...result, clientId: body.clientId } : result;
  }

  @Get(':packetId')
  async detail(@CurrentIdentity() identity: Identity, @Param(new ZodPipe(packetParamsSchema)) { packetId }: { packetId: string }): Promise<PacketDetail> {
    const packet = await this.visible(identity, packetId);
    return packetDetail(packet, await this.packets.registry.versions(packetId));
  }

  @Get(':packetId/terms')
  async terms(@CurrentIdentity() identity: Identity, @Param(new ZodPipe(packetParamsSchema)) { packetId }: { packetId: string }): Promise<PacketTermList> {
    const packet = await this.visible(identity, packetId);
    return packetTerms(packet, await this.packets.registry.terms(packetId, packet.version));
  }

  /** Promotes a packet held for review (its terms conflict with promoted ones) on an operator's word. */
  @Post(':packetId/approve')
  @HttpCode(200)
  @RequireRole('operator')
  async approve(@CurrentIdentity() identity: Identity, @Param(new ZodPipe(packetParamsSchema)) { packetId }: { packetId: string }): Promise<PacketSummary> {
    const packet = await this.visible(identity, packetId);
    if (packet.status !== 'review') throw new AppError('CONFLICT', `packet ${packetId} is ${packet.status}; only a packet held for review can be approved`);
    await this.packets.promotion.promote(packet, identity.subject);
    this.packets.notifyOutbox();
    return packetSummary(packet);
  }

  @Post(':packetId/reject')
  @HttpCode(200)
  @RequireRole('operator')
  async reject(
    @CurrentIdentity() identity: Identity,
    @Param(new ZodPipe(packetParamsSchema)) { packetId }: { packetId: string },
    @Body(new ZodPipe(packetRejectBodySchema)) body: PacketRejectBody,
  ): Promise<PacketSummary> {
    const packet = await this.visible(identity, packetId);
    if (!['validated', 'review'].includes(packet.status)) {
      throw new AppError('CONFLICT', `packet ${packetId} is ${packet.status}; only a validated packet or one held for review can be rejected`);
    }
    packet.decidedBy = identity.subject;
    await this.packets.registry.setStatus(packet, 'rejected', `rejected by an operator: ${body.reason}`);
    return packetSummary(packet);
  }

  private async visible(identity: Identity, packetId: string): Promise<ContractPacketEntity> {
    const packet = await this.packets.registry.get(packetId, visibleClientIds(identity));
    if (!packet) throw new AppError('NOT_FOUND', `no packet ${packetId}`);
    return packet;
  }
}
