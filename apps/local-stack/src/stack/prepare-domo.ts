import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FakeDomoServer, domoDatasetMetadataSchema, type FakeDomoDataset } from '@leaf/domo-takeover/data-access';
import type { Env } from '@leaf/platform';
import { createSyntheticSeed, generateSyntheticDomo, writeSyntheticDomoExports } from '@leaf/synthetic-data';
import type { Logger } from 'pino';
import type { LocalStackConfig } from './local-stack.config';

/** The settings that say the user has a Domo (or an export folder) of their own: then no stand-in is started. */
export const userDomoSettings = ['LEAF_DOMO_SOURCE', 'LEAF_DOMO_API_BASE_URL', 'LEAF_DOMO_DIR', 'LEAF_DOMO_SYNTHETIC_SEED'] as const;

export interface StackDomo {
  /** Settings for domo-takeover: its source is the stand-in, ingested and compared on start. */
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/**
 * The embedded stack's Domo: the exports Domo would hold for the seeded claims (same seed, same
 * clients, with the planted flaws), served by a Domo Platform API stand-in on the loopback
 * interface, so domo-takeover ingests them through the same API client, OAuth and CSV export it
 * uses against Domo, then compares, before the stack reports ready. The exports are written once
 * under the data dir (`domo-api/`, beside its place and renamed when whole, like the packets) and
 * served from there on every start; the client secret is new on each start and never leaves the
 * process. With any LEAF_DOMO_* source setting the user's Domo is used instead.
 */
export async function prepareDomo(config: LocalStackConfig, dir: string, env: Env, logger: Logger): Promise<StackDomo> {
  if (userDomoSettings.some((name) => env[name]?.trim())) return { env: {}, stop: async () => undefined };
  if (!existsSync(dir)) {
    const partial = `${dir}.partial`;
    await rm(partial, { recursive: true, force: true });
    await writeSyntheticDomoExports(partial, generateSyntheticDomo(createSyntheticSeed({ seed: config.LEAF_SEED, claims: config.LEAF_SEED_CLAIMS })));
    await rename(partial, dir);
    logger.info('synthetic Domo exports written (first start)');
  }
  const credentials = { clientId: 'leaf-local-stack', clientSecret: randomBytes(24).toString('base64url') };
  const server = await new FakeDomoServer(await readDomoExports(dir), credentials).start();
  return {
    env: {
      LEAF_DOMO_SOURCE: 'api',
      LEAF_DOMO_API_BASE_URL: server.url,
      LEAF_DOMO_CLIENT_ID: credentials.clientId,
      LEAF_DOMO_CLIENT_SECRET: credentials.clientSecret,
      LEAF_DOMO_INGEST_ON_START: env['LEAF_DOMO_INGEST_ON_START'] ?? 'true',
      LEAF_DOMO_COMPARE_ON_START: env['LEAF_DOMO_COMPARE_ON_START'] ?? 'true',
    },
    stop: () => server.stop(),
  };
}

/** A Domo export folder (`<id>.json` metadata as `GET /v1/datasets/{id}` answers it, beside `<id>.csv` with its header) as the stand-in's datasets. */
export async function readDomoExports(dir: string): Promise<FakeDomoDataset[]> {
  const datasets: FakeDomoDataset[] = [];
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.json')).sort()) {
    const metadata = domoDatasetMetadataSchema.parse(JSON.parse(await readFile(join(dir, name), 'utf8')));
    const csv = await readFile(join(dir, `${name.slice(0, -'.json'.length)}.csv`), 'utf8');
    const body = csv.indexOf('\n');
    datasets.push({
      id: metadata.id,
      name: metadata.name,
      columns: metadata.schema.columns,
      // The stand-in writes the header itself (includeHeader=true), as Domo does.
      csv: body < 0 ? '' : csv.slice(body + 1),
      ...(metadata.dataCurrentAt ? { dataCurrentAt: metadata.dataCurrentAt } : {}),
    });
  }
  return datasets;
}
