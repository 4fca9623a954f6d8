import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { DataSource } from 'typeorm';
import {
  DomoComparisonsRepository,
  DomoExportsRepository,
  ExportIngestion,
  FolderDomoSource,
  detectBulkMode,
  domoTakeoverMigrations,
  runGoldenComparison,
} from '@leaf/domo-takeover/data-access';
import { createDataSource, postgresMigrations, runMigrations } from '@leaf/persistence';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import { FilesystemLake } from '@leaf/storage';
import { createSyntheticSeed, generateSyntheticDomo, loadSeedIntoPostgres, writeSyntheticDomoExports, type SyntheticDomo } from '@leaf/synthetic-data';

describe.each(testDatabaseTargets())('synthetic Domo takeover end to end on $name', ({ create }) => {
  let db: TestDatabase;
  let ds: DataSource;
  let dir: string;
  let lake: FilesystemLake;
  let domo: SyntheticDomo;
  const seed = createSyntheticSeed({ seed: 7, claims: 6000, clients: 6, months: 4 });

  beforeAll(async () => {
    db = await create();
    ds = await createDataSource({ kind: 'postgres', url: db.url }, { migrations: [...postgresMigrations, ...domoTakeoverMigrations.postgres] }).initialize();
    await runMigrations(ds);
    await loadSeedIntoPostgres(db.pglite ? { kind: 'pglite', db: db.pglite } : { kind: 'postgres', connectionString: db.url }, seed);
    dir = await mkdtemp(join(tmpdir(), 'domo-takeover-'));
    lake = new FilesystemLake(join(dir, 'lake'));
    domo = generateSyntheticDomo(seed);
    await writeSyntheticDomoExports(join(dir, 'exports'), domo);
    // Starting PGlite and the service on a loaded shared machine can take most of a minute.
  }, 180_000);
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('generates the same exports from the same seed', () => {
    const again = generateSyntheticDomo(createSyntheticSeed({ seed: 7, claims: 6000, clients: 6, months: 4 }));
    expect(again.savings.csv).toBe(domo.savings.csv);
    expect(again.claimsExtract.csv).toBe(domo.claimsExtract.csv);
  });

  it('ingests the exports, the gates flag the planted flaws, and the comparison explains every difference', async () => {
    const ingestion = new ExportIngestion(ds, lake, new FolderDomoSource(join(dir, 'exports')), await detectBulkMode(ds));
    const results = await ingestion.ingestAll();
    const extract = results.find((r) => r.dataset === 'claims_extract');
    const savings = results.find((r) => r.dataset === 'savings_by_client_month');

    // The extract: duplicates fail the unique gate (blocked), null channels and the late batch warn.
    expect(extract?.status).toBe('blocked');
    const gate = (id: string) => extract?.gates.find((g) => g.gateId === id);
    expect(domo.flaws.duplicateClaims.length).toBeGreaterThan(0);
    expect(gate('claim_id.unique')).toMatchObject({ status: 'fail', failed: domo.flaws.duplicateClaims.length * 2 });
    expect(gate('claim_id.unique')?.samples[0]?.['claim_id']).toBe(domo.flaws.duplicateClaims[0]);
    expect(gate('channel.not_null')).toMatchObject({ status: 'warn', failed: domo.flaws.nullChannelClaims.length });
    expect(gate('fill_date.freshness')).toMatchObject({ status: 'warn' });
    expect(gate('client_id.references_clients')).toMatchObject({ status: 'pass' });
    expect(savings).toMatchObject({ status: 'promoted' });

    const comparison = await runGoldenComparison(ds, lake);
    const { byReason } = comparison.summary;
    expect(byReason.unexplained.count).toBe(0);
    expect(byReason.rounding.count).toBeGreaterThan(0);
    expect(byReason.definition_change.count).toBeGreaterThan(0);
    expect(byReason.timing.count).toBeGreaterThan(0);
    expect(byReason.missing_in_domo.count).toBeGreaterThan(0);

    const repo = new DomoComparisonsRepository(ds);
    const clientsOf = async (reason: 'rounding' | 'definition_change' | 'timing' | 'missing_in_domo') => {
      const page = await repo.differences(comparison.comparisonId, { reason, limit: 500, offset: 0 });
      return [...new Set(page.items.map((d) => d.key['client_id']))];
    };
    expect(await clientsOf('rounding')).toEqual([domo.flaws.roundingClient]);
    expect(await clientsOf('definition_change')).toEqual([domo.flaws.definitionClient]);
    expect(await clientsOf('timing')).toEqual([domo.flaws.shiftedClient]);
    const missing = await repo.differences(comparison.comparisonId, { reason: 'missing_in_domo', limit: 500, offset: 0 });
    expect(new Set(missing.items.map((d) => `${d.key['client_id']}/${d.key['month']}`))).toEqual(new Set([`${domo.flaws.lateClient}/${domo.flaws.lateMonth}`]));
    // Paging and the material filter.
    const firstPage = await repo.differences(comparison.comparisonId, { limit: 3, offset: 0 });
    const secondPage = await repo.differences(comparison.comparisonId, { limit: 3, offset: 3 });
    expect(firstPage.total).toBe(comparison.summary.differences);
    expect(secondPage.items[0]?.seq).toBe(4);
    const material = await repo.differences(comparison.comparisonId, { material: true, limit: 500, offset: 0 });
    expect(material.total).toBe(comparison.summary.material);

    // The packet: JSON and workbook in the lake, by the hashes the comparison names.
    expect(comparison.packet).not.toBeNull();
    const packetKey = (sha: string) => `evidence/domo/comparisons/sha256/${sha.slice(0, 2)}/${sha}`;
    const json = JSON.parse((await lake.read(packetKey(comparison.packet?.jsonSha256 ?? ''))).toString()) as { differences: unknown[]; summary: unknown };
    expect(json.differences).toHaveLength(comparison.summary.differences);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await lake.read(packetKey(comparison.packet?.xlsxSha256 ?? ''))) as unknown as ArrayBuffer);
    expect(wb.getWorksheet('Differences')?.rowCount).toBe(comparison.summary.differences + 1);

    // Sign-off once.
    expect(await repo.signOff(comparison.comparisonId, 'approved', 'operator@leaf', null)).toBe(true);
    expect(await repo.signOff(comparison.comparisonId, 'rejected', 'other@leaf', null)).toBe(false);
    expect((await repo.get(comparison.comparisonId))?.signOff).toMatchObject({ decision: 'approved', by: 'operator@leaf' });
    expect(await new DomoExportsRepository(ds).promoted('claims_extract')).toBeUndefined();
  });
});
