import { laneQueues, taskLanes, type Identity, type LaneStatus } from '@leaf/contracts';
import type { DataSource } from 'typeorm';

interface CountRow {
  lane: string;
  queued: string;
  running: string;
  stuck: string;
  blocked: string;
}
interface WorkerRow {
  lane: string;
  lease_owner: string;
  tasks: string;
  oldest_heartbeat_age: string | null;
}

/**
 * Per lane, from the task ledger (the truth; a queue holds only wake-ups): tasks waiting for a
 * worker, running, stuck (a running task whose lease lapsed, or a woken task nobody took for
 * `stuckAfterMs`), blocked on approval, and which workers hold leases. Read-only, within the
 * caller's client scope.
 */
export async function readLaneStatus(ds: DataSource, identity: Identity, stuckAfterMs: number): Promise<LaneStatus[]> {
  const scoped = identity.clientIds !== '*';
  const params: unknown[] = [stuckAfterMs];
  if (scoped) params.push(identity.clientIds);
  const scope = scoped ? 'AND client_id = ANY($2::text[])' : '';
  const counts = (await ds.query(
    `SELECT lane,
            count(*) FILTER (WHERE status IN ('queued', 'dispatched')) AS queued,
            count(*) FILTER (WHERE status = 'running') AS running,
            count(*) FILTER (WHERE (status = 'running' AND lease_expires_at < now())
                               OR (status IN ('queued', 'dispatched') AND updated_at < now() - make_interval(secs => $1::double precision / 1000))) AS stuck,
            count(*) FILTER (WHERE status = 'blocked') AS blocked
       FROM agent_tasks
      WHERE status IN ('queued', 'dispatched', 'running', 'blocked') ${scope}
      GROUP BY lane`,
    params,
  )) as CountRow[];
  const workers = (await ds.query(
    `SELECT lane, lease_owner, count(*) AS tasks, EXTRACT(EPOCH FROM (now() - min(heartbeat_at))) AS oldest_heartbeat_age
       FROM agent_tasks
      WHERE status = 'running' AND lease_owner IS NOT NULL AND $1::double precision >= 0 ${scope}
      GROUP BY lane, lease_owner
      ORDER BY lane, lease_owner`,
    params,
  )) as WorkerRow[];
  return taskLanes.map((lane) => {
    const row = counts.find((r) => r.lane === lane);
    return {
      lane,
      queue: laneQueues[lane],
      queued: Number(row?.queued ?? 0),
      running: Number(row?.running ?? 0),
      stuck: Number(row?.stuck ?? 0),
      blocked: Number(row?.blocked ?? 0),
      workers: workers
        .filter((w) => w.lane === lane)
        .map((w) => ({
          workerId: w.lease_owner,
          tasks: Number(w.tasks),
          oldestHeartbeatAgeSeconds: w.oldest_heartbeat_age === null ? null : Math.max(0, Math.round(Number(w.oldest_heartbeat_age) * 10) / 10),
        })),
    };
  });
}
