import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import {
  packetDetailSchema,
  packetListQuerySchema,
  packetListSchema,
  packetParamsSchema,
  packetRejectBodySchema,
  packetSummarySchema,
  packetSyncBodySchema,
  packetSyncResultSchema,
  packetTermListSchema,
  problemSchema,
  type Identity,
  type PacketList,
  type PacketListQuery,
  type PacketRejectBody,
  type PacketSyncBody,
} from '@leaf/contracts';
import { CurrentIdentity, RequireRole, ZodPipe, assertClientVisible } from '@leaf/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { openApiSchema } from '../openapi/openapi-schema';
import { relay, withQuery } from '../upstream/forward';
import { UpstreamClient, hop } from '../upstream/upstream.client';

const linkedPacketListSchema = packetListSchema.extend({ nextLink: z.string().nullable() });
const packetPath = (packetId: string, rest = '') => `/v1/packets/${encodeURIComponent(packetId)}${rest}`;

/** The contract packet registry (contract-packets); the service scopes packets by their client (404 otherwise). */
@ApiTags('packets')
@ApiBearerAuth('entra')
@Controller('v1/packets')
export class PacketsController {
  constructor(@Inject(UpstreamClient) private readonly upstream: UpstreamClient) {}

  @Get()
  @ApiOkResponse({ description: "packets of the caller's clients; follow nextLink", schema: openApiSchema(linkedPacketListSchema) })
  async list(
    @Query(new ZodPipe(packetListQuerySchema)) query: PacketListQuery,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (query.clientId) assertClientVisible(identity, query.clientId);
    const filters = { clientId: query.clientId, limit: query.limit };
    const answer = await this.upstream.json('contract-packets', {
      path: withQuery('/v1/packets', { ...filters, cursor: query.cursor }),
      identity,
      ...hop(request),
    });
    const page = relay(reply, answer) as PacketList;
    if (answer.status !== 200) return page;
    return { ...page, nextLink: page.nextCursor ? withQuery('/v1/packets', { ...filters, cursor: page.nextCursor }) : null };
  }

  @Post('sync')
  @HttpCode(202)
  @RequireRole('operator')
  @ApiAcceptedResponse({
    description: 'one sync round, done (202: the route is started by the task runner too)',
    schema: openApiSchema(packetSyncResultSchema),
  })
  async sync(
    @Body(new ZodPipe(packetSyncBodySchema)) body: PacketSyncBody,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (body?.clientId) assertClientVisible(identity, body.clientId);
    return relay(
      reply,
      await this.upstream.json('contract-packets', { method: 'POST', path: '/v1/packets/sync', body: body ?? {}, identity, ...hop(request) }),
    );
  }

  @Get(':packetId')
  @ApiOkResponse({ description: 'the packet with its versions', schema: openApiSchema(packetDetailSchema) })
  @ApiNotFoundResponse({ description: "no such packet (or not in the caller's scope)", schema: openApiSchema(problemSchema) })
  async detail(
    @Param(new ZodPipe(packetParamsSchema)) { packetId }: { packetId: string },
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return relay(reply, await this.upstream.json('contract-packets', { path: packetPath(packetId), identity, ...hop(request) }));
  }

  @Get(':packetId/terms')
  @ApiOkResponse({ description: 'the terms extracted from the packet, with their locators', schema: openApiSchema(packetTermListSchema) })
  async terms(
    @Param(new ZodPipe(packetParamsSchema)) { packetId }: { packetId: string },
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return relay(reply, await this.upstream.json('contract-packets', { path: packetPath(packetId, '/terms'), identity, ...hop(request) }));
  }

  @Post(':packetId/approve')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOkResponse({ description: 'the packet, promoted', schema: openApiSchema(packetSummarySchema) })
  async approve(
    @Param(new ZodPipe(packetParamsSchema)) { packetId }: { packetId: string },
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return relay(
      reply,
      await this.upstream.json('contract-packets', { method: 'POST', path: packetPath(packetId, '/approve'), body: {}, identity, ...hop(request) }),
    );
  }

  @Post(':packetId/reject')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiOkResponse({ description: 'the packet, rejected', schema: openApiSchema(packetSummarySchema) })
  async reject(
    @Param(new ZodPipe(packetParamsSchema)) { packetId }: { packetId: string },
    @Body(new ZodPipe(packetRejectBodySchema)) body: PacketRejectBody,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return relay(
      reply,
      await this.upstream.json('contract-packets', { method: 'POST', path: packetPath(packetId, '/reject'), body, identity, ...hop(request) }),
    );
  }
}
