import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiDomoSource } from '@leaf/domo-takeover/data-access';
import { loadConfig } from '@leaf/platform';
import { createSyntheticSeed, generateSyntheticDomo } from '@leaf/synthetic-data';
import pino from 'pino';
import { localStackConfigSchema } from './local-stack.config';
import { prepareDomo } from './prepare-domo';

const text = async (stream: AsyncIterable<Buffer | string>) => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString();
};

/**
 * The local stack's Domo: the seeded exports written once, served over Domo's Platform API by the
 * stand-in (read here through the takeover's own API client), the same bytes on every start, and
 * never started when the user names a Domo of their own.
 */
describe("local stack: Domo's API stand-in", () => {
  const dir = mkdtempSync(join(tmpdir(), 'leaf-stack-domo-'));
  const env = { LEAF_SEED: '20251123', LEAF_SEED_CLAIMS: '1500' };
  const config = loadConfig(localStackConfigSchema, env);
  const logger = pino({ level: 'silent' });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("serves the seed's synthetic exports over Domo's API, identically after a restart, with a new secret each start", async () => {
    const exportsDir = join(dir, 'domo-api');
    const expected = generateSyntheticDomo(createSyntheticSeed({ seed: 20_251_123, claims: 1500 }));
    const served: Array<{ secret: string; csv: Record<string, string> }> = [];
    for (let start = 0; start < 2; start++) {
      const domo = await prepareDomo(config, exportsDir, env, logger);
      try {
        expect(domo.env).toMatchObject({ LEAF_DOMO_SOURCE: 'api', LEAF_DOMO_INGEST_ON_START: 'true', LEAF_DOMO_COMPARE_ON_START: 'true' });
        expect(domo.env['LEAF_DOMO_API_BASE_URL']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        const source = new ApiDomoSource({
          baseUrl: domo.env['LEAF_DOMO_API_BASE_URL'] ?? '',
          clientId: domo.env['LEAF_DOMO_CLIENT_ID'] ?? '',
          clientSecret: domo.env['LEAF_DOMO_CLIENT_SECRET'] ?? '',
        });
        const datasets = await source.datasets();
        expect(datasets.map((d) => [d.id, d.rows, d.schema.columns.length]).sort()).toEqual(
          [expected.claimsExtract, expected.savings].map((e) => [e.metadata.id, e.metadata.rows, e.metadata.columns]).sort(),
        );
        const csv: Record<string, string> = {};
        for (const d of datasets) csv[d.id] = await text(await source.open(d.id));
        served.push({ secret: domo.env['LEAF_DOMO_CLIENT_SECRET'] ?? '', csv });
      } finally {
        await domo.stop();
      }
    }
    // Domo's export (header included) is exactly what the seed generates, on both starts.
    expect(served[0]?.csv).toEqual({ [expected.claimsExtract.metadata.id]: expected.claimsExtract.csv, [expected.savings.metadata.id]: expected.savings.csv });
    expect(served[1]?.csv).toEqual(served[0]?.csv);
    expect(served[0]?.secret).not.toBe(served[1]?.secret);
    expect(readFileSync(join(exportsDir, `${expected.savings.metadata.id}.csv`), 'utf8')).toBe(expected.savings.csv);
  }, 120_000);

  it("starts nothing when the user's settings name a Domo or an export folder", async () => {
    for (const own of [{ LEAF_DOMO_SOURCE: 'api' }, { LEAF_DOMO_DIR: '/srv/domo' }, { LEAF_DOMO_API_BASE_URL: 'https://acme.domo.example' }]) {
      const domo = await prepareDomo(config, join(dir, 'unused'), { ...env, ...own }, logger);
      expect(domo.env).toEqual({});
      await domo.stop();
    }
  });
});
