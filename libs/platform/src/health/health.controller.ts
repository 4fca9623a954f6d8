import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { HealthReport } from '@leaf/contracts';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { HealthRegistry } from './health.registry';

/** Kubernetes probes: liveness never touches dependencies; readiness checks every one. */
@ApiExcludeController()
@Public()
@Controller('health')
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  @Get('live')
  live(): HealthReport {
    return { service: this.registry.service, status: 'live', checks: [] };
  }

  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthReport> {
    const report = await this.registry.readiness();
    if (report.status !== 'ready') void reply.status(503);
    return report;
  }
}
