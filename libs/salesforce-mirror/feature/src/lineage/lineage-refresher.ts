import { LineageRepository } from '@leaf/salesforce-mirror/data-access';
import { tasksNaming } from '@leaf/task-ledger';
import type { DataSource } from 'typeorm';

/** The task parameter by which a task names the IT request it works for. */
export const REQUEST_PARAMETER = 'salesforceRequestId';

/**
 * Writes run-plan lineage from the task ledger: each task whose parameters name a mirrored
 * request (`salesforceRequestId`), its status, the runs it names and its deliverables (artifacts
 * with their sha256). Only tasks of the request's own client count: a task of another client
 * naming the id is not work for this request. Returns the requests whose lineage changed.
 */
export async function refreshLineage(ds: DataSource): Promise<Set<string>> {
  const repo = new LineageRepository(ds);
  const tasks = await tasksNaming(ds, REQUEST_PARAMETER);
  if (!tasks.length) return new Set();
  const requests: Array<{ id: string; client_id: string }> = await ds.query(
    `SELECT id, client_id FROM salesforce_it_requests WHERE id = ANY($1) AND client_id IS NOT NULL`,
    [[...new Set(tasks.map((t) => t.value))]],
  );
  const clientOf = new Map(requests.map((r) => [r.id, r.client_id]));
  const rows = tasks
    .filter((t) => clientOf.get(t.value) === t.clientId)
    .map((t) => ({
      requestId: t.value,
      taskId: t.taskId,
      clientId: t.clientId,
      kind: t.kind,
      taskStatus: t.status,
      runIds: t.runIds,
      deliverables: t.artifacts,
      taskCreatedAt: t.createdAt,
    }));
  const before = new Map(
    (await Promise.all([...new Set(rows.map((r) => r.requestId))].map((id) => repo.ofRequest(id))))
      .flat()
      .map((r) => [`${r.requestId}|${r.taskId}`, JSON.stringify([r.taskStatus, r.runIds, r.deliverables])]),
  );
  await repo.upsert(rows);
  return new Set(
    rows.filter((r) => before.get(`${r.requestId}|${r.taskId}`) !== JSON.stringify([r.taskStatus, r.runIds, r.deliverables])).map((r) => r.requestId),
  );
}
