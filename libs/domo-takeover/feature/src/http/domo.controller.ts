import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  domoComparisonParamsSchema,
  domoDifferenceQuerySchema,
  domoExportListQuerySchema,
  domoExportParamsSchema,
  domoPageQuerySchema,
  domoSignOffRequestSchema,
  type DomoComparison,
  type DomoDatasetList,
  type DomoDifferenceList,
  type DomoDifferenceQuery,
  type DomoExport,
  type DomoExportListQuery,
  type DomoGateResult,
  type DomoIngestResult,
  type DomoPageQuery,
  type DomoSignOffRequest,
  type Identity,
} from '@leaf/contracts';
import { domoDatasets, signOffProblem } from '@leaf/domo-takeover/domain';
import { NothingToCompareError } from '@leaf/domo-takeover/data-access';
import { AppError, CurrentIdentity, RequireRole, ZodPipe } from '@leaf/platform';
import { DomoTakeoverFacade } from '../takeover/domo-takeover.facade';
import { assertAllClients } from './domo-scope';

const packetTypes = {
  'packet.json': 'application/json',
  'packet.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'packet.pdf': 'application/pdf',
} as const;

/** The takeover's API: datasets, exports and their gates, comparisons, differences, sign-off. */
@Controller('v1/domo')
export class DomoController {
  constructor(@Inject(DomoTakeoverFacade) private readonly takeover: DomoTakeoverFacade) {}

  @Get('datasets')
  async datasets(@CurrentIdentity() identity: Identity): Promise<DomoDatasetList> {
    assertAllClients(identity);
    const items = [];
    for (const d of domoDatasets) {
      const promoted = await this.takeover.exports.promoted(d.name as DomoExport['dataset']);
      items.push({
        dataset: d.name as DomoExport['dataset'],
        domoName: d.domoName,
        description: d.description,
        columns: d.columns.map((c) => ({ ...c })),
        key: [...d.key],
        gates: d.gates.map((g) => ({ gateId: g.id, kind: g.kind, severity: g.severity, mostly: g.mostly })),
        promotedExportId: promoted?.exportId ?? null,
      });
    }
    return { items };
  }

  /**
   * One ingest round over the source (the `domo.ingest` task calls this). Running a round is an
   * operator's act whatever their client scope (the lane worker calls with the task's client); the
   * answer carries statuses and gate ids, no rows.
   */
  @Post('ingest')
  @HttpCode(200)
  @RequireRole('operator')
  async ingest(@CurrentIdentity() identity: Identity): Promise<DomoIngestResult> {
    const result = await this.takeover.ingest();
    // A rejection reason may quote a cell of any client's row: only a whole-scope caller reads it.
    return identity.clientIds === '*' ? result : { exports: result.exports.map((e) => ({ ...e, reason: null })) };
  }

  @Get('exports')
  async exports(
    @CurrentIdentity() identity: Identity,
    @Query(new ZodPipe(domoExportListQuerySchema)) q: DomoExportListQuery,
  ): Promise<{ items: DomoExport[] }> {
    assertAllClients(identity);
    return { items: await this.takeover.exports.list(q.dataset, q.limit, q.offset) };
  }

  @Get('exports/:exportId')
  async export(@CurrentIdentity() identity: Identity, @Param(new ZodPipe(domoExportParamsSchema)) { exportId }: { exportId: string }): Promise<DomoExport> {
    assertAllClients(identity);
    const found = await this.takeover.exports.get(exportId);
    if (!found) throw new AppError('NOT_FOUND', `no export ${exportId}`);
    const { lakeKey: _key, ...view } = found;
    return view;
  }

  /** Gates that did not pass (warn or fail), each with its failing-row samples. */
  @Get('exports/:exportId/gate-failures')
  async gateFailures(
    @CurrentIdentity() identity: Identity,
    @Param(new ZodPipe(domoExportParamsSchema)) { exportId }: { exportId: string },
  ): Promise<{ exportId: string; items: DomoGateResult[] }> {
    assertAllClients(identity);
    if (!(await this.takeover.exports.get(exportId))) throw new AppError('NOT_FOUND', `no export ${exportId}`);
    return { exportId, items: await this.takeover.exports.gateResults(exportId, true) };
  }

  /** Runs a golden comparison of the promoted output against the curated model (the `domo.compare` task calls this). */
  @Post('comparisons')
  @HttpCode(201)
  @RequireRole('operator')
  async compare(): Promise<DomoComparison> {
    // Like ingest, an operator's act whatever the scope; the answer is counts by reason, no rows.
    try {
      return await this.takeover.compare();
    } catch (e) {
      if (e instanceof NothingToCompareError) throw new AppError('CONFLICT', e.message);
      throw e;
    }
  }

  @Get('comparisons')
  async comparisons(@CurrentIdentity() identity: Identity, @Query(new ZodPipe(domoPageQuerySchema)) q: DomoPageQuery): Promise<{ items: DomoComparison[] }> {
    assertAllClients(identity);
    return { items: await this.takeover.comparisons.list(q.limit, q.offset) };
  }

  @Get('comparisons/:comparisonId')
  async comparison(
    @CurrentIdentity() identity: Identity,
    @Param(new ZodPipe(domoComparisonParamsSchema)) { comparisonId }: { comparisonId: string },
  ): Promise<DomoComparison> {
    assertAllClients(identity);
    const { jsonKey: _j, xlsxKey: _x, pdfKey: _p, ...view } = await this.found(comparisonId);
    return view;
  }

  @Get('comparisons/:comparisonId/differences')
  async differences(
    @CurrentIdentity() identity: Identity,
    @Param(new ZodPipe(domoComparisonParamsSchema)) { comparisonId }: { comparisonId: string },
    @Query(new ZodPipe(domoDifferenceQuerySchema)) q: DomoDifferenceQuery,
  ): Promise<DomoDifferenceList> {
    assertAllClients(identity);
    await this.found(comparisonId);
    return this.takeover.comparisons.differences(comparisonId, q);
  }

  @Get('comparisons/:comparisonId/packet.xlsx')
  xlsx(
    @CurrentIdentity() identity: Identity,
    @Param(new ZodPipe(domoComparisonParamsSchema)) p: { comparisonId: string },
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.packet(identity, p.comparisonId, 'packet.xlsx', reply);
  }

  @Get('comparisons/:comparisonId/packet.json')
  json(
    @CurrentIdentity() identity: Identity,
    @Param(new ZodPipe(domoComparisonParamsSchema)) p: { comparisonId: string },
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.packet(identity, p.comparisonId, 'packet.json', reply);
  }

  @Get('comparisons/:comparisonId/packet.pdf')
  pdf(
    @CurrentIdentity() identity: Identity,
    @Param(new ZodPipe(domoComparisonParamsSchema)) p: { comparisonId: string },
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.packet(identity, p.comparisonId, 'packet.pdf', reply);
  }

  @Post('comparisons/:comparisonId/sign-off')
  @HttpCode(200)
  @RequireRole('operator')
  async signOff(
    @CurrentIdentity() identity: Identity,
    @Param(new ZodPipe(domoComparisonParamsSchema)) { comparisonId }: { comparisonId: string },
    @Body(new ZodPipe(domoSignOffRequestSchema)) body: DomoSignOffRequest,
  ): Promise<DomoComparison> {
    assertAllClients(identity);
    const comparison = await this.found(comparisonId);
    const problem = signOffProblem(comparison.summary, body.decision, body.note, comparison.signOff !== null);
    if (problem) throw new AppError('CONFLICT', problem);
    if (!(await this.takeover.comparisons.signOff(comparisonId, body.decision, identity.subject, body.note ?? null))) {
      throw new AppError('CONFLICT', 'the comparison is already signed off');
    }
    const { jsonKey: _j, xlsxKey: _x, pdfKey: _p, ...view } = await this.found(comparisonId);
    return view;
  }

  private async found(comparisonId: string) {
    const comparison = await this.takeover.comparisons.get(comparisonId);
    if (!comparison) throw new AppError('NOT_FOUND', `no comparison ${comparisonId}`);
    return comparison;
  }

  private async packet(identity: Identity, comparisonId: string, name: keyof typeof packetTypes, reply: FastifyReply): Promise<void> {
    assertAllClients(identity);
    const comparison = await this.found(comparisonId);
    const key = { 'packet.json': comparison.jsonKey, 'packet.xlsx': comparison.xlsxKey, 'packet.pdf': comparison.pdfKey }[name];
    if (key === null) throw new AppError('NOT_FOUND', `comparison ${comparisonId} has no packet`);
    const bytes = await this.takeover.lake.read(key);
    await reply
      .header('content-type', packetTypes[name])
      .header('content-length', String(bytes.length))
      .header('etag', `"${key.split('/').pop() ?? ''}"`)
      .header('content-disposition', `attachment; filename="domo-comparison-${comparisonId}.${name.split('.')[1]}"`)
      .send(bytes);
  }
}
