import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection, OAuth2, type QueryResult } from 'jsforce';
import { outboxMigrations } from '@leaf/messaging';
import { createDataSource, postgresMigrations, runMigrations } from '@leaf/persistence';
import { JsforceSalesforceSource, salesforceMirrorMigrations } from '@leaf/salesforce-mirror/data-access';
import { mirroredObjects } from '@leaf/salesforce-mirror/domain';
import { MirrorSync, refreshLineage, RequestPublisher } from '@leaf/salesforce-mirror/feature';
import { FilesystemLake } from '@leaf/storage';
import { taskLedgerMigrations } from '@leaf/task-ledger';
import { FakeSalesforceServer } from '@leaf/fake-salesforce';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { defineSuite } from '../bench-case';
import { benchAdminUrl, createBenchDatabase, dropBenchDatabases, type BenchDatabase } from './bench-database';

interface SalesforceContext {
  readonly fake: FakeSalesforceServer;
  readonly db: BenchDatabase;
  readonly ds: DataSource;
  readonly lakeDir: string;
  readonly log: (message: string) => void;
}

const rounds = 3;
const perSecond = (n: number, ms: number) => Math.round(((n * 1000) / ms) * 10) / 10;
const mirrorTables = [
  'salesforce_it_requests',
  'salesforce_request_history',
  'salesforce_request_items',
  'salesforce_content_links',
  'salesforce_request_files',
  'salesforce_sync_state',
  'salesforce_evidence_bundles',
];

export const salesforceSuite = defineSuite<SalesforceContext>({
  name: 'salesforce',
  description:
    'Salesforce records mirrored per second through the whole pipeline (describe, Bulk API 2.0 load, children by parent, files into the lake, completeness, lineage, evidence bundles and search documents) vs a bare jsforce query/queryMore loop inserting each record, against the same fake org on local PostgreSQL; --claims N sets the IT requests (default 1500)',

  async setup({ claims, log }) {
    const requests = claims ?? 1_500;
    // Salesforce's own page sizes: 2,000 REST records, Bulk pages as large as asked.
    const fake = await FakeSalesforceServer.start({ requests, queryPageSize: 2_000, bulkPageSize: 50_000, dailyApiLimit: 10_000_000 });
    const records = mirroredObjects.reduce((n, o) => n + (fake.org.object(o.name)?.records.size ?? 0), 0);
    log(`fake org: ${requests} IT requests, ${records} records in ${mirroredObjects.length} objects, ${fake.org.blobs.size} files`);
    const db = await createBenchDatabase(benchAdminUrl(), 'sf');
    const ds = createDataSource(
      { kind: 'postgres', url: db.url },
      { migrations: [...postgresMigrations, ...outboxMigrations.postgres, ...taskLedgerMigrations.postgres, ...salesforceMirrorMigrations.postgres] },
    );
    await ds.initialize();
    await runMigrations(ds);
    await ds.query(
      `CREATE TABLE bench_sf_records (object_name VARCHAR(40) NOT NULL, id VARCHAR(18) NOT NULL, fields JSONB NOT NULL, PRIMARY KEY (object_name, id))`,
    );
    return { fake, db, ds, lakeDir: await mkdtemp(join(tmpdir(), 'leaf-bench-sf-')), log };
  },

  async teardown({ fake, db, ds, lakeDir }) {
    await ds.destroy();
    await fake.stop();
    await dropBenchDatabases(benchAdminUrl(), [db]);
    await rm(lakeDir, { recursive: true, force: true });
  },

  cases: [
    {
      name: 'mirror-records',
      unit: 'records/s',
      kind: 'throughput',
      async measure({ fake, ds, db, lakeDir, log }) {
        let best = 0;
        let bestReference = 0;
        const runOurs = async () => {
          await ds.query(`TRUNCATE ${mirrorTables.join(', ')}, salesforce_completeness_reports, salesforce_sync_runs, outbox_messages`);
          const lake = new FilesystemLake(join(lakeDir, `run-${Date.now()}`));
          const source = new JsforceSalesforceSource({
            loginUrl: fake.url,
            clientId: fake.clientId,
            clientSecret: fake.clientSecret,
            pollIntervalMs: 20,
            bulkPageSize: 50_000,
          });
          const sync = new MirrorSync(ds, source, lake, { overlapMs: 60_000, deleteRetentionMs: 15 * 86_400_000, parentChunk: 300 });
          const started = performance.now();
          const outcome = await sync.run({ full: true });
          await refreshLineage(ds);
          const published = await new RequestPublisher(ds, lake).publish(outcome.changedRequestIds, outcome.deletedRequestIds);
          await sync.finish(outcome);
          const ms = performance.now() - started;
          if (!outcome.completeness.clean) throw new Error('the mirror is not complete after a full sync');
          const records = mirroredObjects.reduce((n, o) => n + (outcome.counts[o.name] ?? 0), 0);
          const rate = perSecond(records, ms);
          log(
            `  pipeline: ${rate} records/s (${records} records, ${outcome.counts['filesCopied'] ?? 0} files, ${published.bundles} bundles, ${published.searchDocuments} search documents, clean)`,
          );
          best = Math.max(best, rate);
        };
        const runBare = async () => {
          const pg = new Client({ connectionString: db.url });
          await pg.connect();
          await pg.query('TRUNCATE bench_sf_records');
          const conn = new Connection({
            oauth2: new OAuth2({ loginUrl: fake.url, clientId: fake.clientId, clientSecret: fake.clientSecret }),
            version: '62.0',
          });
          const started = performance.now();
          await conn.authorize({ grant_type: 'client_credentials' });
          let records = 0;
          for (const o of mirroredObjects) {
            const fields = (await conn.sobject(o.name).describe()).fields.filter((f) => f.type !== 'base64').map((f) => f.name);
            let page: QueryResult<Record<string, unknown>> = await conn.query<Record<string, unknown>>(`SELECT ${fields.join(', ')} FROM ${o.name}`);
            for (;;) {
              for (const r of page.records) {
                await pg.query('INSERT INTO bench_sf_records (object_name, id, fields) VALUES ($1, $2, $3)', [o.name, r['Id'], JSON.stringify(r)]);
                records++;
              }
              if (page.done || !page.nextRecordsUrl) break;
              page = await conn.queryMore<Record<string, unknown>>(page.nextRecordsUrl);
            }
          }
          const ms = performance.now() - started;
          await pg.end();
          const rate = perSecond(records, ms);
          log(`  bare jsforce loop: ${rate} records/s (${records} records)`);
          bestReference = Math.max(bestReference, rate);
        };
        // One unmeasured pass each (V8, connections, PostgreSQL caches).
        await runOurs();
        await runBare();
        best = 0;
        bestReference = 0;
        for (let round = 0; round < rounds; round++) {
          if (round % 2 === 0) {
            await runOurs();
            await runBare();
          } else {
            await runBare();
            await runOurs();
          }
        }
        return { value: best, reference: { name: 'jsforce 3.10.26 query/queryMore + one pg INSERT per record, same org and server', value: bestReference } };
      },
    },
  ],
});
