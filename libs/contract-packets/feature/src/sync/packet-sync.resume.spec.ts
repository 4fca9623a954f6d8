import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  contractPacketsEntities,
  contractPacketsMigrations,
  FolderPacketSource,
  GuaranteeVersionsRepository,
  PacketRegistryRepository,
  type ContractPacketEntity,
} from '@leaf/contract-packets/data-access';
import { outboxMigrations } from '@leaf/messaging';
import { createDataSource, postgresMigrations, runMigrations } from '@leaf/persistence';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import { loadServiceConfig, startServiceApp } from '@leaf/platform';
import { captureLogger } from '@leaf/platform/testing';
import { createLake, parseLakeUrl } from '@leaf/storage';
import { createSyntheticSeed, generateContractPackets, loadSeedIntoPostgres, writeContractPackets } from '@leaf/synthetic-data';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DataSource } from 'typeorm';
import { contractPacketsService } from '../contract-packets.service';
import { PacketPromotion } from '../promotion/packet-promotion';
import { PacketPipeline } from './packet-pipeline';

const seed = createSyntheticSeed({ seed: 23, claims: 100, clients: 3, months: 12 });

/**
 * A sync round that died after its packets were validated and one was promoted (the local
 * stack's first start killed mid-promotion): the delta cursor was never saved, so the next round
 * lists every packet again, and the ones left validated must be taken up, not skipped as unchanged.
 */
describe.each(testDatabaseTargets())('a packet sync interrupted before its promotions, on $name', ({ create }) => {
  let db: TestDatabase;
  let ds: DataSource;
  let app: NestFastifyApplication | undefined;
  const scratch = mkdtempSync(join(tmpdir(), 'leaf-sync-resume-'));
  const folder = join(scratch, 'packets');
  const lakeUrl = `file:${join(scratch, 'lake')}`;

  const count = async (sql: string) => Number((await ds.query(sql))[0].n);
  const statuses = async () =>
    Object.fromEntries(
      (
        (await ds.query('SELECT status, count(*)::int AS n, max(version) AS v FROM graph_contract_packets GROUP BY status')) as Array<{
          status: string;
          n: number;
          v: number;
        }>
      ).map((r) => [r.status, [r.n, r.v]]),
    );

  beforeAll(async () => {
    db = await create();
    const migrate = createDataSource(
      { kind: 'postgres', url: db.url },
      { migrations: [...postgresMigrations, ...outboxMigrations.postgres, ...contractPacketsMigrations.postgres] },
    );
    await migrate.initialize();
    await runMigrations(migrate);
    await migrate.destroy();
    await loadSeedIntoPostgres(db.pglite ? { kind: 'pglite', db: db.pglite } : { kind: 'postgres', connectionString: db.url }, seed);
    await writeContractPackets(folder, await generateContractPackets(seed));
    ds = await createDataSource({ kind: 'postgres', url: db.url }, { entities: contractPacketsEntities }).initialize();
  });
  afterAll(async () => {
    await app?.close();
    await ds?.destroy();
    await db?.drop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('promotes every packet left validated on the next sync, once, as the version it was', async () => {
    const registry = new PacketRegistryRepository(ds);
    const guarantees = new GuaranteeVersionsRepository(ds);
    const lake = createLake(parseLakeUrl(lakeUrl));
    const source = new FolderPacketSource(folder);
    // The round as PacketSyncService runs it, up to where it died: every packet through the pipeline, the first one promoted.
    const pipeline = new PacketPipeline(registry, guarantees, lake, source);
    const valid: Array<{ packet: ContractPacketEntity; text?: string }> = [];
    for (const change of (await source.delta(null)).changes) {
      if (change.type !== 'upsert') continue;
      const result = await pipeline.process(change.item);
      if (result.outcome === 'validated') valid.push(result);
    }
    valid.sort((a, b) => Number(a.packet.kind === 'amendment') - Number(b.packet.kind === 'amendment'));
    await new PacketPromotion(registry, guarantees, lake).promote(valid[0].packet, null, valid[0].text);
    expect(await statuses()).toEqual({ promoted: [1, 1], validated: [valid.length - 1, 1], rejected: [1, 1] });

    // The next start: contract-packets syncs the folder before it takes requests.
    const config = loadServiceConfig(contractPacketsService, {
      LEAF_DATABASE_URL: db.url,
      LEAF_LAKE_URL: lakeUrl,
      PORT: '0',
      LEAF_PACKETS_SOURCE: 'folder',
      LEAF_PACKETS_DIR: folder,
      LEAF_PACKETS_SYNC_ON_START: 'true',
    });
    app = await startServiceApp(contractPacketsService, config, captureLogger('contract-packets').logger);

    expect(await statuses()).toEqual({ promoted: [valid.length, 1], rejected: [1, 1] });
    expect(await count('SELECT count(*) AS n FROM graph_contract_packet_versions')).toBe(valid.length + 1);
    // Each promoted term is one new guarantee version on top of the seed, and each promotion was announced once.
    const promotedTerms = await count(
      `SELECT count(*) AS n FROM contract_packet_terms t JOIN graph_contract_packets p ON p.packet_id = t.packet_id AND p.version = t.version WHERE p.status = 'promoted' AND t.guaranteed_value IS NOT NULL`,
    );
    expect(await count('SELECT count(*) AS n FROM contract_guarantees')).toBe(seed.contractGuarantees.length + promotedTerms);
    expect(await count(`SELECT count(*) AS n FROM outbox_messages WHERE message_id LIKE 'packet-promoted:%'`)).toBe(valid.length);
  }, 120_000);
});
