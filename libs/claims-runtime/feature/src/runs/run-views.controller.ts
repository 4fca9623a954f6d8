import { Controller, Get, Inject, Param, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import {
  clientParamsSchema,
  reconciliationRunParamsSchema,
  runDiffQuerySchema,
  runListQuerySchema,
  type Identity,
  type RunDiff,
  type RunDiffQuery,
  type RunList,
  type RunListQuery,
} from '@leaf/contracts';
import { CurrentIdentity, ZodPipe, assertClientVisible } from '@leaf/platform';
import { downloadName } from '../reconciliations/download-name';
import { RUN_EVENTS_POLL_MS } from '../claims-runtime.tokens';
import { RunViews } from './run-views.service';

type RunParams = { clientId: string; runId: string };

/** Finding and comparing runs: a client's runs, two runs side by side, findings as CSV, live progress. */
@Controller('v1/clients/:clientId/reconciliations')
export class RunViewsController {
  constructor(
    @Inject(RunViews) private readonly views: RunViews,
    @Inject(RUN_EVENTS_POLL_MS) private readonly pollMs: number,
  ) {}

  @Get()
  list(
    @Param(new ZodPipe(clientParamsSchema)) { clientId }: { clientId: string },
    @Query(new ZodPipe(runListQuerySchema)) query: RunListQuery,
    @CurrentIdentity() identity: Identity,
  ): Promise<RunList> {
    assertClientVisible(identity, clientId);
    return this.views.list(clientId, query);
  }

  @Get(':runId/diff')
  diff(
    @Param(new ZodPipe(reconciliationRunParamsSchema)) p: RunParams,
    @Query(new ZodPipe(runDiffQuerySchema)) query: RunDiffQuery,
    @CurrentIdentity() identity: Identity,
  ): Promise<RunDiff> {
    assertClientVisible(identity, p.clientId);
    return this.views.diff(p.clientId, p.runId, query);
  }

  /** Every finding of a succeeded run, streamed a page at a time. */
  @Get(':runId/findings.csv')
  async findingsCsv(
    @Param(new ZodPipe(reconciliationRunParamsSchema)) p: RunParams,
    @CurrentIdentity() identity: Identity,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    assertClientVisible(identity, p.clientId);
    const { run, lines } = await this.views.findingsCsv(p.clientId, p.runId);
    await reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${downloadName(run, 'findings.csv')}"`)
      .send(Readable.from(lines));
  }

  /**
   * Server-sent events: `progress` whenever the run's status, progress or stage changes (the first
   * one at once), then `end` with its final state. The stream closes after `end`.
   */
  @Get(':runId/events')
  async events(
    @Param(new ZodPipe(reconciliationRunParamsSchema)) p: RunParams,
    @CurrentIdentity() identity: Identity,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    assertClientVisible(identity, p.clientId);
    const left = new AbortController();
    const events = await this.views.progress(p.clientId, p.runId, this.pollMs, left.signal);
    request.raw.once('close', () => left.abort());
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
    });
    let id = 0;
    let last: unknown;
    try {
      for await (const event of events) {
        last = event;
        reply.raw.write(`id: ${++id}\nevent: progress\ndata: ${JSON.stringify(event)}\n\n`);
      }
      if (!left.signal.aborted) reply.raw.write(`event: end\ndata: ${JSON.stringify(last)}\n\n`);
    } finally {
      reply.raw.end();
    }
  }
}
