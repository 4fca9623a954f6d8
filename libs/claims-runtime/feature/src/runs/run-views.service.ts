import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { setTimeout as sleep } from 'node:timers/promises';
import { ReconciliationRunsRepository } from '@leaf/claims-runtime/data-access';
import { diffBuckets, diffOwed } from '@leaf/claims-runtime/domain';
import { runIdSchema, type ReconciliationRun, type RunDiff, type RunDiffQuery, type RunList, type RunListQuery, type RunProgressEvent } from '@leaf/contracts';
import { DATA_SOURCE } from '@leaf/persistence';
import { AppError } from '@leaf/platform';
import { findingsCsvHeader, findingCsvLine } from './findings-csv';

const terminal = new Set<ReconciliationRun['status']>(['succeeded', 'failed']);
const pageSize = 1_000;

/**
 * The read side of runs beyond one run's state: a client's runs (paged, filtered), the difference
 * between two runs, a run's findings as CSV and its progress as it happens. Always within one client.
 */
@Injectable()
export class RunViews {
  private readonly runs: ReconciliationRunsRepository;

  constructor(@Inject(DATA_SOURCE) ds: DataSource) {
    this.runs = new ReconciliationRunsRepository(ds);
  }

  async list(clientId: string, query: RunListQuery): Promise<RunList> {
    const before = query.cursor === undefined ? undefined : decodeRunCursor(query.cursor);
    const page = await this.runs.list(clientId, {
      periodId: query.periodId,
      status: query.status,
      before,
      limit: query.limit,
    });
    return {
      items: page.items,
      nextCursor: page.lastRunId === null ? null : encodeRunCursor(page.lastRunId),
    };
  }

  async diff(clientId: string, runId: string, query: RunDiffQuery): Promise<RunDiff> {
    const base = await this.succeeded(clientId, runId, 'runId');
    const other = await this.succeeded(clientId, query.against, 'against');
    const after = query.cursor === undefined ? '' : decodeFindingCursor(query.cursor);
    const changes = await this.runs.findingChanges(base.runId, other.runId, after, query.limit + 1);
    const page = changes.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      base: {
        runId: base.runId,
        periodId: base.periodId,
        inputsSha256: base.inputsSha256,
      },
      other: {
        runId: other.runId,
        periodId: other.periodId,
        inputsSha256: other.inputsSha256,
      },
      sameInputs: base.inputsSha256 !== null && base.inputsSha256 === other.inputsSha256,
      summary: diffOwed(base.summary as NonNullable<ReconciliationRun['summary']>, other.summary as NonNullable<ReconciliationRun['summary']>),
      buckets: diffBuckets(base.buckets, other.buckets),
      findings: {
        items: page.map((c) => ({
          findingId: c.findingId,
          kind: c.kind,
          claimId: c.claimId,
          change: c.baseImpact === null ? 'added' : c.otherImpact === null ? 'removed' : 'changed',
          baseImpact: c.baseImpact,
          otherImpact: c.otherImpact,
        })),
        nextCursor: changes.length > query.limit && last ? encodeFindingCursor(last.findingId) : null,
      },
    };
  }

  /** The run (checked first, so an unknown run is a 404 before any byte is sent) and its findings as CSV lines. */
  async findingsCsv(clientId: string, runId: string): Promise<{ run: ReconciliationRun; lines: AsyncIterable<string> }> {
    const run = await this.succeeded(clientId, runId, 'runId');
    const runs = this.runs;
    async function* lines(): AsyncIterable<string> {
      yield findingsCsvHeader;
      for (let after = 0; ; ) {
        const page = await runs.findings(runId, after, pageSize);
        for (const f of page.items) yield findingCsvLine(f);
        if (page.lastSeq === null) return;
        after = page.lastSeq;
      }
    }
    return { run, lines: lines() };
  }

  /**
   * The run's progress as it changes, polled every `pollMs`, ending with its final state. Checks
   * the run exists before yielding anything; stops when `signal` aborts (the caller left).
   */
  async progress(clientId: string, runId: string, pollMs: number, signal: AbortSignal): Promise<AsyncIterable<RunProgressEvent>> {
    await this.run(clientId, runId);
    const runs = this.runs;
    async function* events(): AsyncIterable<RunProgressEvent> {
      let last = '';
      while (!signal.aborted) {
        const run = await runs.get(clientId, runId);
        if (!run) return;
        const event: RunProgressEvent = {
          runId,
          status: run.status,
          progress: run.progress,
          stage: run.stage,
        };
        const key = JSON.stringify(event);
        if (key !== last) yield event;
        last = key;
        if (terminal.has(run.status)) return;
        await sleep(pollMs, undefined, { signal }).catch(() => undefined);
      }
    }
    return events();
  }

  private async run(clientId: string, runId: string): Promise<ReconciliationRun> {
    const run = await this.runs.get(clientId, runId);
    if (!run) throw new AppError('NOT_FOUND', `no reconciliation run ${runId} for client ${clientId}`);
    return run;
  }

  private async succeeded(clientId: string, runId: string, path: string): Promise<ReconciliationRun> {
    const run = await this.run(clientId, runId);
    if (run.status !== 'succeeded')
      throw new AppError('CONFLICT', `run ${runId} is ${run.status}; only a succeeded run has findings to compare or export`, {
        errors: [{ path, message: `run is ${run.status}` }],
      });
    return run;
  }
}

const encodeRunCursor = (runId: string) => Buffer.from(`run:${runId}`).toString('base64url');
function decodeRunCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString();
  const runId = text.startsWith('run:') ? text.slice(4) : '';
  if (!runIdSchema.safeParse(runId).success)
    throw new AppError('VALIDATION_FAILED', 'the cursor is not one this API returned', {
      errors: [{ path: 'cursor', message: 'invalid cursor' }],
    });
  return runId;
}

const encodeFindingCursor = (findingId: string) => Buffer.from(`finding:${findingId}`).toString('base64url');
function decodeFindingCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString();
  if (!text.startsWith('finding:') || text.length > 130)
    throw new AppError('VALIDATION_FAILED', 'the cursor is not one this API returned', {
      errors: [{ path: 'cursor', message: 'invalid cursor' }],
    });
  return text.slice(8);
}
