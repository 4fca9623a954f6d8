import { writeSync } from 'node:fs';
import { Client } from 'pg';
import type { Logger } from 'pino';
import type { LocalStackConfig, TestCrashPhase } from './local-stack.config';

/**
 * The test-only `LEAF_TEST_CRASH_AT=<phase>` hook (the config refuses it unless LEAF_ENV=local
 * and NODE_ENV=test). At its phase the launcher SIGKILLs itself, a real kill that runs no
 * handler, closes nothing and flushes nothing, so a spec can stop the first start at a chosen
 * point and check what the next start makes of it:
 * * `seed-claims`: half-way through the claims, inside the seeding transaction;
 * * `packets-write`: half-way through writing the synthetic packets folder;
 * * `packet-promotion`: once contract-packets' start-up sync has promoted some packets and
 *   others still wait for their promotion.
 */
export class TestCrashPoint {
  constructor(
    private readonly phase: TestCrashPhase | undefined,
    private readonly logger: Logger,
  ) {}

  static of(config: LocalStackConfig, logger: Logger): TestCrashPoint {
    return new TestCrashPoint(config.LEAF_TEST_CRASH_AT, logger);
  }

  /** Dies here when `phase` is the configured one and `reached` says its point has come. */
  at(phase: TestCrashPhase, reached = true): void {
    if (this.phase !== phase || !reached) return;
    // Written synchronously: the logger's buffered line would die with the process.
    writeSync(2, `local-stack: LEAF_TEST_CRASH_AT=${phase}: killing the launcher\n`);
    process.kill(process.pid, 'SIGKILL');
  }

  /**
   * For `packet-promotion`, which happens inside a service: watches the packet registry over its
   * own connection (so it reads only committed rows) while the services start, and dies once at
   * least one packet is promoted and another is still validated, waiting for its promotion.
   * Resolves to a function that stops the watch.
   */
  async watchPromotion(databaseUrl: string): Promise<() => Promise<void>> {
    if (this.phase !== 'packet-promotion') return async () => undefined;
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    let stopped = false;
    const watching = (async () => {
      while (!stopped) {
        const { rows } = await client.query<{ promoted: number; waiting: number }>(
          `SELECT count(*) FILTER (WHERE status = 'promoted')::int AS promoted, count(*) FILTER (WHERE status = 'validated')::int AS waiting FROM graph_contract_packets`,
        );
        this.at('packet-promotion', (rows[0]?.promoted ?? 0) > 0 && (rows[0]?.waiting ?? 0) > 0);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })().catch((e: unknown) => {
      // The start goes on without the crash, which the spec waiting for it reports.
      this.logger.error({ reason: (e as Error).message }, 'LEAF_TEST_CRASH_AT: watching the packet registry failed');
    });
    return async () => {
      stopped = true;
      await watching;
      await client.end().catch(() => undefined);
    };
  }
}
