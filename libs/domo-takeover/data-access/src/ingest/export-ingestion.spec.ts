import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { claimsExtractDataset, savingsByClientMonthDataset } from '@leaf/domo-takeover/domain';
import { createDataSource, postgresMigrations, runMigrations } from '@leaf/persistence';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import { FilesystemLake } from '@leaf/storage';
import { domoTakeoverMigrations } from '../migrations/1736500000000-domo-takeover-schema';
import { DomoExportsRepository } from '../repositories/domo-exports.repository';
import { detectBulkMode } from '../silver/bulk-mode';
import { FolderDomoSource } from '../source/folder-domo.source';
import { ExportIngestion } from './export-ingestion';

const claimsColumns = claimsExtractDataset.columns.map(({ name, type }) => ({ name, type }));
const savingsColumns = savingsByClientMonthDataset.columns.map(({ name, type }) => ({ name, type }));

function metadata(id: string, name: string, columns: { name: string; type: string }[], rows: number, dataCurrentAt = '2024-03-31T06:00:00Z') {
  return { id, name, rows, columns: columns.length, createdAt: '2024-01-01T00:00:00Z', updatedAt: dataCurrentAt, dataCurrentAt, schema: { columns } };
}

describe.each(testDatabaseTargets())('Domo export ingestion on $name', ({ name, create }) => {
  let db: TestDatabase;
  let ds: DataSource;
  let dir: string;
  let lake: FilesystemLake;
  let ingestion: ExportIngestion;

  const put = async (id: string, domoName: string, columns: { name: string; type: string }[], lines: string[], dataCurrentAt?: string) => {
    await writeFile(join(dir, 'exports', `${id}.csv`), [columns.map((c) => c.name).join(','), ...lines].join('\n') + '\n');
    await writeFile(join(dir, 'exports', `${id}.json`), JSON.stringify(metadata(id, domoName, columns, lines.length, dataCurrentAt)));
  };

  beforeAll(async () => {
    db = await create();
    ds = await createDataSource({ kind: 'postgres', url: db.url }, { migrations: [...postgresMigrations, ...domoTakeoverMigrations.postgres] }).initialize();
    await runMigrations(ds);
    await ds.query(`INSERT INTO clients (client_id, name, segment, member_count) VALUES ('acme', 'Acme', 'employer', 10), ('zenith', 'Zenith', 'union', 5)`);
    for (const [id, client] of [
      ['c1', 'acme'],
      ['c2', 'acme'],
      ['c3', 'zenith'],
      ['c4', 'zenith'],
    ]) {
      await ds.query(
        `INSERT INTO claims (claim_id, client_id, member_id, pharmacy_npi, fill_date, ndc, drug_name, drug_type, channel, days_supply, quantity, awp, ingredient_cost_paid, dispensing_fee_paid, usual_and_customary, is_compound, is_340b, is_reversal, reverses_claim_id, is_uc_priced)
         VALUES ($1, $2, 'm1', '1234567890', '2024-03-30', '00000000001', 'Drug', 'generic', 'mail', 30, 30.000, 100.00, 60.00, 1.00, 120.00, false, false, false, NULL, false)`,
        [id, client],
      );
    }
    dir = await mkdtemp(join(tmpdir(), 'domo-ingest-'));
    await import('node:fs/promises').then((fs) => fs.mkdir(join(dir, 'exports')));
    lake = new FilesystemLake(join(dir, 'lake'));
    ingestion = new ExportIngestion(ds, lake, new FolderDomoSource(join(dir, 'exports')), await detectBulkMode(ds), () => new Date('2024-04-01T00:00:00Z'));
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(`uses ${name === 'pglite' ? 'batched inserts' : 'COPY'} for silver`, async () => {
    expect(await detectBulkMode(ds)).toBe(name === 'pglite' ? 'insert' : 'copy');
  });

  it('puts the raw bytes in bronze, types silver, and blocks on the planted flaws with failing rows sampled', async () => {
    const lines = ['c1,acme,2024-03-01,mail,generic,100.00,60.00,0', 'c2,acme,2024-03-02,,generic,"1,000.00",600.00,0'];
    // "1,000.00" is not a DECIMAL: a first export is rejected before anything reaches silver.
    await put('claims-ds', 'PBM Claims Extract', claimsColumns, lines);
    const [rejected] = await ingestion.ingestAll();
    expect(rejected).toMatchObject({ dataset: 'claims_extract', status: 'rejected', silverRows: 0 });
    expect(rejected?.reason).toContain('row 2: awp="1,000.00" is not DECIMAL');
    expect(await ds.query(`SELECT count(*)::int AS n FROM domo_silver_claims_extract`)).toEqual([{ n: 0 }]);

    const flawed = [
      'c1,acme,2024-03-01,mail,generic,100.00,60.00,0',
      'c2,acme,2024-03-02,,generic,100.00,60.00,0', // null channel
      'c2,acme,2024-03-02,retail30,generic,100.00,60.00,0', // duplicate claim
      'c9,ghost,2024-03-03,mail,brand,100.00,60.00,0', // unknown client, unknown claim
      'c3,zenith,2024-03-20,mail,brand,100.00,60.00,0',
      'c4,zenith,2024-03-20,"mail",brand,100.00,-60.00,1',
    ];
    await put('claims-ds', 'PBM Claims Extract', claimsColumns, flawed);
    const [blocked] = await ingestion.ingestAll();
    expect(blocked).toMatchObject({ status: 'blocked', rows: 6, silverRows: 6, replayed: false });
    const byId = Object.fromEntries((blocked?.gates ?? []).map((g) => [g.gateId, g]));
    expect(byId['claim_id.unique']).toMatchObject({ status: 'fail', failed: 2, checked: 6 });
    expect(byId['claim_id.unique']?.samples.map((s) => s['row_no'])).toEqual([2, 3]);
    expect(byId['channel.not_null']).toMatchObject({ status: 'warn', failed: 1 });
    expect(byId['client_id.references_clients']).toMatchObject({
      status: 'fail',
      failed: 1,
      samples: [expect.objectContaining({ row_no: 4, client_id: 'ghost' })],
    });
    expect(byId['claim_id.references_claims']).toMatchObject({ status: 'warn', failed: 1 });
    expect(byId['channel.accepted']).toMatchObject({ status: 'pass' });
    // Newest fill 2024-03-20 against data current at 2024-03-31: 11 days, more than 3.
    expect(byId['fill_date.freshness']).toMatchObject({ status: 'warn', observed: { newest: '2024-03-20', asOf: '2024-03-31', ageDays: 11 } });
    expect(blocked?.reason).toMatch(/claim_id\.unique \(2 of 6\).*client_id\.references_clients \(1 of 6\)/);

    const exports = new DomoExportsRepository(ds);
    const registered = await exports.get(blocked?.exportId ?? '');
    const bytes = await lake.read(registered?.lakeKey ?? '');
    expect(registered?.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(bytes.toString()).toContain('c9,ghost');
    expect(await exports.promoted('claims_extract')).toBeUndefined();
    expect((await exports.gateResults(blocked?.exportId ?? '', true)).map((g) => g.gateId)).toEqual([
      'channel.not_null',
      'claim_id.references_claims',
      'claim_id.unique',
      'client_id.references_clients',
      'fill_date.freshness',
    ]);
    await rm(join(dir, 'exports', 'claims-ds.csv'));
  });

  it('promotes a clean export, replays the same bytes as the same export, and reports row-count change', async () => {
    const rows = Array.from(
      { length: 8 },
      (_, i) =>
        `acme,2024-0${(i % 3) + 1}-01,${['mail', 'retail30', 'retail90', 'specialty'][i % 4]},${i % 2 ? 'brand' : 'generic'},${i + 1},${i}00.00,${i}0.00,${i * 9}0.00`,
    );
    await put('savings-ds', 'Savings by Client Month', savingsColumns, rows);
    const [first] = await ingestion.ingestAll();
    expect(first).toMatchObject({ status: 'promoted', silverRows: 8 });
    const [again] = await ingestion.ingestAll();
    expect(again).toMatchObject({ exportId: first?.exportId, replayed: true, status: 'promoted' });

    await put('savings-ds', 'Savings by Client Month', savingsColumns, rows.slice(0, 5));
    const [smaller] = await ingestion.ingestAll();
    expect(smaller?.status).toBe('promoted');
    expect(smaller?.gates.find((g) => g.gateId === 'rows.change')).toMatchObject({ status: 'warn', observed: { previous: 8, current: 5, change: 0.375 } });
    const silver = (await ds.query(
      `SELECT row_no::int AS row_no, savings::text AS savings, month::text AS month FROM domo_silver_savings_by_client_month WHERE export_id = $1 ORDER BY row_no`,
      [smaller?.exportId],
    )) as { row_no: number; savings: string; month: string }[];
    expect(silver.map((r) => [r.row_no, r.month, Number(r.savings)])).toEqual(
      rows.slice(0, 5).map((line, i) => [i + 1, line.split(',')[1], Number(line.split(',')[7])]),
    );
    expect((await new DomoExportsRepository(ds).promoted('savings_by_client_month'))?.exportId).toBe(smaller?.exportId);
  });

  it('reports drift: an added column is noted and kept in bronze only, a removed or retyped one rejects the export', async () => {
    const added = [...savingsColumns, { name: 'region', type: 'STRING' }];
    await put('savings-ds', 'Savings by Client Month', added, [
      'acme,2024-01-01,mail,brand,1,10.00,5.00,5.00,west',
      'acme,2024-02-01,mail,brand,1,10.00,5.00,5.00,west',
      'acme,2024-03-01,mail,brand,1,10.00,5.00,5.00,west',
      'acme,2024-04-01,mail,brand,1,10.00,5.00,5.00,west',
      'acme,2024-05-01,mail,brand,1,10.00,5.00,5.00,east',
    ]);
    const [withAdded] = await ingestion.ingestAll();
    expect(withAdded).toMatchObject({ status: 'promoted', reason: 'added column(s) kept in bronze only: region' });

    const retyped = savingsColumns.map((c) => (c.name === 'claim_count' ? { ...c, type: 'DOUBLE' } : c)).filter((c) => c.name !== 'paid_total');
    await put('savings-ds', 'Savings by Client Month', retyped, ['acme,2024-01-01,mail,brand,1.5,10.00,5.00']);
    const [drifted] = await ingestion.ingestAll();
    expect(drifted).toMatchObject({ status: 'rejected', silverRows: 0, reason: 'schema drift: removed paid_total, claim_count LONG→DOUBLE' });
    expect((await new DomoExportsRepository(ds).get(drifted?.exportId ?? ''))?.drift).toEqual({
      added: [],
      removed: [{ name: 'paid_total', type: 'DECIMAL' }],
      retyped: [{ name: 'claim_count', declared: 'LONG', observed: 'DOUBLE' }],
    });
    // The promoted export stays the one before the drift.
    expect((await new DomoExportsRepository(ds).promoted('savings_by_client_month'))?.exportId).toBe(withAdded?.exportId);
  });
});
