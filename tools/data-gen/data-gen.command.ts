import { createDataSource, postgresMigrations, runMigrations } from '@leaf/persistence';
import { redactUrl } from '@leaf/platform';
import { loadSeedIntoPostgres, writeSeedCsv } from '@leaf/synthetic-data';
import type { DataGenCommand } from './data-gen.args';

export interface DataGenOutput {
  readonly lines: string[];
}

const perSecond = (rows: number, ms: number) => (ms > 0 ? Math.round((rows * 1000) / ms) : 0);

/** Runs a parsed command; returns the report lines (counts, rate, hashes) for the caller to print. */
export async function runDataGen(command: Exclude<DataGenCommand, { kind: 'help' }>): Promise<DataGenOutput> {
  const started = performance.now();
  if (command.kind === 'csv') {
    const result = await writeSeedCsv(command.seed, command.out);
    const ms = performance.now() - started;
    const claims = result.files.find((f) => f.table === 'claims')?.rows ?? 0;
    return {
      lines: [
        `${result.seedId} (${result.generatorVersion}) -> ${result.directory}`,
        ...result.files.map((f) => `  ${f.table.padEnd(20)} ${String(f.rows).padStart(10)} rows ${String(f.bytes).padStart(12)} bytes  sha256 ${f.sha256}`),
        `  ${claims} claims in ${(ms / 1000).toFixed(2)} s = ${perSecond(claims, ms)} claims/s`,
      ],
    };
  }

  if (command.migrate) {
    const ds = createDataSource({ kind: 'postgres', url: command.databaseUrl }, { migrations: postgresMigrations });
    await ds.initialize();
    try {
      await runMigrations(ds);
    } finally {
      await ds.destroy();
    }
  }
  const result = await loadSeedIntoPostgres({ kind: 'postgres', connectionString: command.databaseUrl }, command.seed);
  return {
    lines: [
      `${result.seedId} (${result.generatorVersion}) -> ${redactUrl(command.databaseUrl)}`,
      ...Object.entries(result.rows).map(([table, rows]) => `  ${table.padEnd(20)} ${String(rows).padStart(10)} rows`),
      `  claims content sha256 ${result.contentSha256}`,
      `  ${result.rows.claims} claims in ${(result.elapsedMs / 1000).toFixed(2)} s = ${result.claimsPerSecond} claims/s`,
    ],
  };
}
