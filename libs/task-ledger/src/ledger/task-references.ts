import type { DataSource } from 'typeorm';

/** A task that names something in its parameters, with its outcome and deliverables. */
export interface TaskNaming {
  taskId: string;
  kind: string;
  clientId: string;
  status: string;
  /** The parameter's value. */
  value: string;
  /** Run ids the task's parameters or result name (`runId` at the top or one level down). */
  runIds: string[];
  artifacts: Array<{ name: string; sha256: string; contentType: string; bytes: number }>;
  createdAt: string;
}

function runIdsOf(...jsons: Array<string | null>): string[] {
  const ids = new Set<string>();
  for (const text of jsons) {
    if (!text) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      continue;
    }
    const visit = (v: unknown, depth: number) => {
      if (!v || typeof v !== 'object' || depth > 2) return;
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (k === 'runId' && typeof x === 'string') ids.add(x);
        else visit(x, depth + 1);
      }
    };
    visit(value, 0);
  }
  return [...ids].sort();
}

/**
 * A read of the ledger for lineage: every task whose parameters carry `parameter` (for example
 * `salesforceRequestId`), optionally only those naming one of `values`, with its artifacts. It
 * reads the ledger's tables and changes nothing in them.
 */
export async function tasksNaming(ds: DataSource, parameter: string, values?: readonly string[]): Promise<TaskNaming[]> {
  const params: unknown[] = [parameter];
  const filter = values ? `AND (parameters::jsonb ->> $1) = ANY($2)` : '';
  if (values) params.push([...values]);
  const tasks: Array<{
    task_id: string;
    kind: string;
    client_id: string;
    status: string;
    value: string;
    parameters: string;
    result: string | null;
    created_at: Date;
  }> = await ds.query(
    `SELECT task_id, kind, client_id, status, parameters::jsonb ->> $1 AS value, parameters, result, created_at
     FROM agent_tasks WHERE parameters::jsonb ? $1 ${filter} ORDER BY task_seq`,
    params,
  );
  if (!tasks.length) return [];
  const artifacts: Array<{ task_id: string; name: string; sha256: string; content_type: string; bytes: string }> = await ds.query(
    `SELECT task_id, name, sha256, content_type, bytes FROM agent_task_artifacts WHERE task_id = ANY($1) ORDER BY task_id, name`,
    [tasks.map((t) => t.task_id)],
  );
  return tasks.map((t) => ({
    taskId: t.task_id,
    kind: t.kind,
    clientId: t.client_id,
    status: t.status,
    value: t.value,
    runIds: runIdsOf(t.parameters, t.result),
    artifacts: artifacts
      .filter((a) => a.task_id === t.task_id)
      .map((a) => ({ name: a.name, sha256: a.sha256.trim(), contentType: a.content_type, bytes: Number(a.bytes) })),
    createdAt: new Date(t.created_at).toISOString(),
  }));
}
