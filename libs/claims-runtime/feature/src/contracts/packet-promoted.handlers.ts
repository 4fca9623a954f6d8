import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { EntityPayload } from '@leaf/contracts';
import { RunSupersession } from '@leaf/claims-runtime/data-access';
import { BusContext, idempotentHandler } from '@leaf/messaging';
import { DATA_SOURCE } from '@leaf/persistence';
import type { DataSource } from 'typeorm';
import { ClientsReadModel } from '../clients/clients.read-model';
import { RunsReadModel } from '../reconciliations/runs.read-model';

/**
 * contract-packets promoted new versions of a client's terms: succeeded runs computed with the
 * older versions are marked superseded (visible on the run with the new versions). The payload
 * arrives checked against its contract; the inbox record and the marks commit together, so a
 * redelivered promotion changes nothing.
 */
@Controller()
export class PacketPromotedHandlers {
  private readonly log = new Logger('PacketPromoted');

  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    private readonly supersession: RunSupersession,
    @Inject(ClientsReadModel) private readonly readModel: ClientsReadModel,
    @Inject(RunsReadModel) private readonly runs: RunsReadModel,
  ) {}

  @EventPattern('contracts.packet-promoted.v1')
  async packetPromoted(@Payload() event: EntityPayload<'contracts.packet-promoted.v1'>, @Ctx() ctx: BusContext): Promise<void> {
    await idempotentHandler(this.ds, 'claims-runtime', async (_message, manager) => {
      const superseded = await this.supersession.apply(event, manager);
      if (superseded.length) {
        this.log.log({ msg: 'runs superseded by promoted terms', packetId: event.packetId, clientId: event.clientId, runs: superseded.map((r) => r.runId) });
      }
    })(ctx.getMessage(), ctx.getSettlement());
    // After the handler (a redelivery too): the promoted terms and the runs' supersession are committed, so the next read loads them.
    this.readModel.invalidate(event.clientId);
    this.runs.invalidate(event.clientId);
  }
}
