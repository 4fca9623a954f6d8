import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  claimsSummaryQuerySchema,
  clientParamsSchema,
  type ClaimsSummary,
  type ClaimsSummaryQuery,
  type ClientList,
  type GuaranteeList,
  type Identity,
} from '@leaf/contracts';
import { AppError, CurrentIdentity, ZodPipe, assertClientVisible, canSeeClient } from '@leaf/platform';
import { ClaimsSummaryRepository } from '@leaf/claims-runtime/data-access';
import { ClientsReadModel, conditional } from './clients.read-model';

/**
 * Read models over the claims authority and the contract guarantees. Clients (with their periods)
 * and guarantees come from memory (ClientsReadModel, invalidated by packet promotion) and carry a
 * strong ETag: a matching If-None-Match gets a 304 with no body.
 */
@Controller('v1/clients')
export class ClientsController {
  constructor(
    @Inject(ClientsReadModel) private readonly readModel: ClientsReadModel,
    @Inject(ClaimsSummaryRepository)
    private readonly claims: ClaimsSummaryRepository,
  ) {}

  @Get()
  async list(
    @CurrentIdentity() identity: Identity,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ClientList | undefined> {
    // The tag is of what this caller sees: callers with different scopes get different tags.
    const body = {
      items: (await this.readModel.list()).filter((c) => canSeeClient(identity, c.clientId)),
    };
    return conditional(reply, body, ifNoneMatch);
  }

  @Get(':clientId/guarantees')
  async guaranteesOf(
    @Param(new ZodPipe(clientParamsSchema)) { clientId }: { clientId: string },
    @CurrentIdentity() identity: Identity,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<GuaranteeList | undefined> {
    assertClientVisible(identity, clientId);
    await this.requireClient(clientId);
    return conditional(reply, { clientId, items: await this.readModel.guaranteesOf(clientId) }, ifNoneMatch);
  }

  @Get(':clientId/claims/summary')
  async claimsSummary(
    @Param(new ZodPipe(clientParamsSchema)) { clientId }: { clientId: string },
    @Query(new ZodPipe(claimsSummaryQuerySchema)) query: ClaimsSummaryQuery,
    @CurrentIdentity() identity: Identity,
  ): Promise<ClaimsSummary> {
    assertClientVisible(identity, clientId);
    await this.requireClient(clientId);
    return this.claims.summarise(clientId, query);
  }

  private async requireClient(clientId: string): Promise<void> {
    if (!(await this.readModel.exists(clientId))) throw new AppError('NOT_FOUND', `no client ${clientId}`);
  }
}
