import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { healthReportSchema, platformHealthSchema, type PlatformHealth } from '@leaf/contracts';
import { RequireRole, isAppError } from '@leaf/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { openApiSchema } from '../openapi/openapi-schema';
import { SERVICE_DIRECTORY, ServiceDirectory } from '../upstream/service-directory';
import { UpstreamClient } from '../upstream/upstream.client';

/**
 * GET /health: the readiness of every service, asked in parallel, in one answer. For operators:
 * it names the services' internal URLs. Probes use each service's public /health/live|ready.
 */
@ApiTags('platform')
@RequireRole('operator')
@Controller('health')
export class PlatformHealthController {
  constructor(
    @Inject(SERVICE_DIRECTORY) private readonly directory: ServiceDirectory,
    @Inject(UpstreamClient) private readonly upstream: UpstreamClient,
  ) {}

  @Get()
  @ApiOkResponse({ description: 'every service is ready', schema: openApiSchema(platformHealthSchema) })
  @ApiServiceUnavailableResponse({ description: 'at least one service is not ready', schema: openApiSchema(platformHealthSchema) })
  async platform(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<PlatformHealth> {
    const services = await Promise.all(
      this.directory.all().map(async ({ service, url }) => {
        try {
          const answer = await this.upstream.health(service, request.id);
          const report = healthReportSchema.safeParse(answer.body);
          return report.success ? { service, url, report: report.data } : { service, url, report: null, error: 'malformed health report' };
        } catch (e) {
          return { service, url, report: null, error: isAppError(e) ? e.detail : 'unreachable' };
        }
      }),
    );
    const status = services.every((s) => s.report?.status === 'ready') ? 'ready' : 'degraded';
    if (status !== 'ready') void reply.status(503);
    return { status, services };
  }
}
