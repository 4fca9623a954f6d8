import type { DataSource } from 'typeorm';
import { scrubForPublication } from '@leaf/platform';

export interface DatabaseHealth {
  status: 'up' | 'down';
  durationMs: number;
  /** Why it is down, safe to publish on a health endpoint (no connection strings, no passwords). */
  detail?: string;
}

export interface CheckDatabaseOptions {
  /** Default 2 s: a readiness probe must answer before the kubelet's own timeout. */
  timeoutMs?: number;
}

/**
 * Runs `SELECT 1` and reports up/down. Never throws: a failing database is a result, not an error.
 * On timeout the query is left to finish in the background; the probe does not wait for it.
 */
export async function checkDatabase(dataSource: DataSource, options: CheckDatabaseOptions = {}): Promise<DatabaseHealth> {
  const timeoutMs = options.timeoutMs ?? 2_000;
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 10) / 10;
  if (!dataSource.isInitialized) return { status: 'down', durationMs: elapsed(), detail: 'not connected' };

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const probe = dataSource.query('SELECT 1 AS ok');
  probe.catch(() => undefined); // a late failure after a timeout is already reported as down
  try {
    const outcome = await Promise.race([probe, timeout]);
    if (outcome === 'timeout') return { status: 'down', durationMs: elapsed(), detail: `no answer within ${timeoutMs} ms` };
    return { status: 'up', durationMs: elapsed() };
  } catch (error) {
    return { status: 'down', durationMs: elapsed(), detail: scrubForPublication(error instanceof Error ? error.message : String(error)) };
  } finally {
    clearTimeout(timer);
  }
}
