import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import {
  claimsSummaryQuerySchema,
  clientParamsSchema,
  type ClaimsSummary,
  type ClaimsSummaryQuery,
  type ClientList,
  type GuaranteeList,
  type Identity,
} from '@leaf/contracts';
import {
  AppError,
  CurrentIdentity,
  ZodPipe,
  assertClientVisible,
  canSeeClient,
} from '@leaf/platform';
import {
  ClaimsSummaryRepository,
  ClientsRepository,
  GuaranteesRepository,
} from '@leaf/claims-runtime/data-access';

/** Read models over the claims authority and the contract guarantees. */
@Controller('v1/clients')
export class ClientsController {
  constructor(
    @Inject(ClientsRepository) private readonly clients: ClientsRepository,
    @Inject(GuaranteesRepository)
    private readonly guarantees: GuaranteesRepository,
    @Inject(ClaimsSummaryRepository)
    private readonly claims: ClaimsSummaryRepository,
  ) {}

  @Get()
  async list(@CurrentIdentity() identity: Identity): Promise<ClientList> {
    return {
      items: (await this.clients.list()).filter((c) =>
        canSeeClient(identity, c.clientId),
      ),
    };
  }

  @Get(':clientId/guarantees')
  async guaranteesOf(
    @Param(new ZodPipe(clientParamsSchema)) { clientId }: { clientId: string },
    @CurrentIdentity() identity: Identity,
  ): Promise<GuaranteeList> {
    assertClientVisible(identity, clientId);
    await this.requireClient(clientId);
    return {
      clientId,
      items: await this.guarantees.currentForClient(clientId),
    };
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
    if (!(await this.clients.exists(clientId)))
      throw new AppError('NOT_FOUND', `no client ${clientId}`);
  }
}
