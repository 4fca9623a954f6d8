import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskDetail } from '@leaf/contracts';
import { loadOrCreateDevIssuerKeys, mintDevToken } from '@leaf/gateway/feature';
import { DATA_SOURCE } from '@leaf/persistence';
import type { DataSource } from 'typeorm';
import { startLocalStack, type LocalStack } from './start-local-stack';

/**
 * Issue 23's done-when for the lanes: in the local stack a task of a long kind is woken on
 * agent-tasks-long and a short one on agent-tasks (the outbox row the dispatcher wrote names the
 * queue), and both are run by the stack's lane-worker, which serves both lanes in one process.
 */
describe('task lanes in the local stack', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'leaf-lanes-stack-'));
  const env = { LEAF_DATA_DIR: dataDir, LEAF_SEED_CLAIMS: '3000', LEAF_PORT_OFFSET: String(30_000 + (process.pid % 5_000)), LOG_LEVEL: 'warn' };
  let stack: LocalStack;
  let caller: Record<string, string>;

  beforeAll(async () => {
    stack = await startLocalStack(env);
    caller = {
      authorization: `Bearer ${await mintDevToken(loadOrCreateDevIssuerKeys(join(dataDir, 'dev-issuer')), { subject: 'lanes-e2e', roles: ['operator'], clients: '*' })}`,
    };
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async <T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${stack.gatewayUrl}${path}`, {
      ...init,
      headers: { ...caller, 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const finished = async (taskId: string): Promise<TaskDetail> => {
    for (let i = 0; i < 600; i++) {
      const { body } = await call<TaskDetail>(`/v1/tasks/${taskId}`);
      if (['succeeded', 'failed', 'dead-lettered', 'cancelled'].includes(body.status)) return body;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`task ${taskId} did not finish`);
  };
  const queuesOf = async (taskId: string): Promise<string[]> => {
    const ds = stack.apps[0].get<DataSource>(DATA_SOURCE);
    const rows = (await ds.query(`SELECT entity FROM outbox_messages WHERE correlation_id = $1 AND entity LIKE 'agent-tasks%' ORDER BY outbox_id`, [
      taskId,
    ])) as Array<{ entity: string }>;
    return rows.map((r) => r.entity);
  };

  it('a claims.reconcile task travels agent-tasks-long and a platform.noop task agent-tasks, and both succeed', async () => {
    const { body: clients } = await call<{ items: Array<{ clientId: string; periods: Array<{ periodId: string }> }> }>('/v1/clients');
    const { clientId, periods } = clients.items.find((c) => c.periods.length > 0) ?? clients.items[0];
    const long = await call<TaskDetail>('/v1/tasks', {
      method: 'POST',
      headers: { 'idempotency-key': 'lanes-e2e-long-0001' },
      body: JSON.stringify({ kind: 'claims.reconcile', clientId, parameters: { periodId: periods[0].periodId } }),
    });
    const short = await call<TaskDetail>('/v1/tasks', {
      method: 'POST',
      headers: { 'idempotency-key': 'lanes-e2e-short-0001' },
      body: JSON.stringify({ kind: 'platform.noop', clientId, parameters: {} }),
    });
    expect([long.status, short.status]).toEqual([201, 201]);
    expect([long.body.lane, short.body.lane]).toEqual(['long', 'short']);

    expect(await finished(long.body.taskId)).toMatchObject({ status: 'succeeded', lane: 'long' });
    expect(await finished(short.body.taskId)).toMatchObject({ status: 'succeeded', lane: 'short' });
    expect(await queuesOf(long.body.taskId)).toEqual(['agent-tasks-long']);
    expect(await queuesOf(short.body.taskId)).toEqual(['agent-tasks']);
  }, 120_000);
});
