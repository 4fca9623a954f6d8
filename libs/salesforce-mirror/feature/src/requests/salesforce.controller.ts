import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import {
  salesforceFileParamsSchema,
  salesforceLineageQuerySchema,
  salesforceRequestListQuerySchema,
  salesforceRequestParamsSchema,
  salesforceSyncBodySchema,
  type Identity,
  type SalesforceCompletenessList,
  type SalesforceLineageAnswer,
  type SalesforceLineageQuery,
  type SalesforceRequestDetail,
  type SalesforceRequestList,
  type SalesforceRequestListQuery,
  type SalesforceSyncBody,
  type SalesforceSyncResult,
  type SalesforceSyncStatus,
} from '@leaf/contracts';
import { LineageRepository, MirrorReaderRepository } from '@leaf/salesforce-mirror/data-access';
import { DATA_SOURCE } from '@leaf/persistence';
import { AppError, CurrentIdentity, RequireRole, ZodPipe, assertClientVisible, visibleClientIds } from '@leaf/platform';
import { LAKE, type Lake } from '@leaf/storage';
import type { FastifyReply } from 'fastify';
import type { DataSource } from 'typeorm';
import { SalesforceSyncService } from '../sync/salesforce-sync.service';
import { requestDetail, requestSummary } from './request.views';

/**
 * The mirror, scoped by client like every route: a request of another client is a 404 like one
 * that does not exist. Sync status and completeness reports are org-wide, so they need the
 * operator role of a caller who sees every client; starting a sync needs the operator role (a
 * client-scoped operator gets the outcome without other clients' figures).
 */
@Controller('v1/salesforce')
export class SalesforceController {
  private readonly reader: MirrorReaderRepository;
  private readonly lineage: LineageRepository;

  constructor(
    @Inject(DATA_SOURCE) ds: DataSource,
    @Inject(LAKE) private readonly lake: Lake,
    @Inject(SalesforceSyncService) private readonly syncs: SalesforceSyncService,
  ) {
    this.reader = new MirrorReaderRepository(ds);
    this.lineage = new LineageRepository(ds);
  }

  @Get('requests')
  async list(
    @CurrentIdentity() identity: Identity,
    @Query(new ZodPipe(salesforceRequestListQuerySchema)) query: SalesforceRequestListQuery,
  ): Promise<SalesforceRequestList> {
    if (query.clientId) assertClientVisible(identity, query.clientId);
    const page = await this.reader.list(query, visibleClientIds(identity));
    return { items: page.items.map(requestSummary), nextCursor: page.nextCursor };
  }

  @Get('requests/:requestId')
  async detail(
    @CurrentIdentity() identity: Identity,
    @Param(new ZodPipe(salesforceRequestParamsSchema)) { requestId }: { requestId: string },
  ): Promise<SalesforceRequestDetail> {
    const request = await this.reader.get(requestId, visibleClientIds(identity));
    if (!request) throw new AppError('NOT_FOUND', `no IT request ${requestId}`);
    const [history, items, files, lineage, bundle] = await Promise.all([
      this.reader.history(requestId),
      this.reader.items(requestId),
      this.reader.files(requestId),
      this.lineage.ofRequest(requestId),
      this.lineage.latestBundle(requestId),
    ]);
    return requestDetail(request, history, items, files, lineage, bundle);
  }

  /** A file of the request, streamed from the lake (the browser never gets Salesforce credentials or a storage URL). */
  @Get('requests/:requestId/files/:contentVersionId')
  async file(
    @CurrentIdentity() identity: Identity,
    @Param(new ZodPipe(salesforceFileParamsSchema)) { requestId, contentVersionId }: { requestId: string; contentVersionId: string },
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const request = await this.reader.get(requestId, visibleClientIds(identity));
    if (!request) throw new AppError('NOT_FOUND', `no IT request ${requestId}`);
    const file = (await this.reader.files(requestId)).find((f) => f.contentVersionId === contentVersionId);
    if (!file || file.deletedAt) throw new AppError('NOT_FOUND', `IT request ${requestId} has no file ${contentVersionId}`);
    if (!file.lakeKey || !file.sha256) throw new AppError('CONFLICT', `file ${contentVersionId} is not copied yet; the next sync copies it`);
    const name = (file.fileName ?? file.title).replace(/[^\w.\- ]/g, '_');
    await reply
      .header('content-type', 'application/octet-stream')
      .header('content-length', String(file.size ?? ''))
      .header('etag', `"${file.sha256}"`)
      .header('content-disposition', `attachment; filename="${name}"`)
      .send(await this.lake.open(file.lakeKey));
  }

  /** The request behind a task or a deliverable (lineage read the other way). */
  @Get('lineage')
  async lineageOf(
    @CurrentIdentity() identity: Identity,
    @Query(new ZodPipe(salesforceLineageQuerySchema)) query: SalesforceLineageQuery,
  ): Promise<SalesforceLineageAnswer> {
    const visible = visibleClientIds(identity);
    const rows = query.taskId ? await this.lineage.byTask(query.taskId, visible) : await this.lineage.byArtifact(query.artifactSha256 ?? '', visible);
    const items = [];
    for (const r of rows) {
      const request = await this.reader.get(r.requestId, visible);
      if (request) items.push({ requestId: r.requestId, clientId: r.clientId, name: request.name, taskId: r.taskId, kind: r.kind });
    }
    return { items };
  }

  @Get('sync')
  @RequireRole('operator')
  async status(@CurrentIdentity() identity: Identity): Promise<SalesforceSyncStatus> {
    this.orgWide(identity);
    const sync = this.syncs.sync;
    if (!sync) return { objects: [], runs: [] };
    const states = [...(await sync.state.states()).values()];
    const iso = (d: Date | null) => (d ? d.toISOString() : null);
    return {
      objects: states.map((s) => ({
        object: s.objectName,
        watermark: iso(s.watermark),
        deletesCheckedTo: iso(s.deletesCheckedTo),
        fullSyncAt: iso(s.fullSyncAt),
        fields: s.fields.length,
      })),
      runs: await sync.state.runs(20),
    };
  }

  /** Runs one sync and answers when it is done (the `salesforce.sync` task kind calls this). */
  @Post('sync')
  @HttpCode(202)
  @RequireRole('operator')
  async run(@CurrentIdentity() identity: Identity, @Body(new ZodPipe(salesforceSyncBodySchema)) body: SalesforceSyncBody): Promise<SalesforceSyncResult> {
    const result = await this.syncs.run({ full: body?.full ?? false });
    if (visibleClientIds(identity) === '*') return result;
    // A client-scoped operator (the task runner acting for one client's task) learns that the
    // org-wide sync ran and whether it was clean, never other clients' counts or ids.
    return { run: { ...result.run, counts: {} }, completeness: result.completeness ? { ...result.completeness, objects: [] } : null };
  }

  @Get('completeness')
  @RequireRole('operator')
  async completeness(@CurrentIdentity() identity: Identity): Promise<SalesforceCompletenessList> {
    this.orgWide(identity);
    return { items: this.syncs.sync ? ((await this.syncs.sync.state.reports(20)) as SalesforceCompletenessList['items']) : [] };
  }

  /** A sync reads and reports on every client's requests: only a caller who sees every client may run or read it. */
  private orgWide(identity: Identity): void {
    if (visibleClientIds(identity) !== '*') throw new AppError('FORBIDDEN', 'the Salesforce sync covers every client; it needs an operator of all clients');
  }
}
