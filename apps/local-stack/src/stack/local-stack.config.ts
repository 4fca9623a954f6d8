import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { devIssuerDirOf } from '@leaf/gateway/feature';
import { intSetting, platformConfigSchema, type Env } from '@leaf/platform';
import { z } from 'zod';

/** Where `LEAF_TEST_CRASH_AT` may kill the first start (see test-crash-point.ts). */
export const testCrashPhases = ['seed-claims', 'packets-write', 'packet-promotion'] as const;
export type TestCrashPhase = (typeof testCrashPhases)[number];

/** The launcher's own settings; every service still reads the platform settings too. */
export const localStackConfigSchema = platformConfigSchema
  .extend({
    LEAF_DATA_DIR: z
      .string()
      .min(1)
      .default('.data')
      .describe('Everything the local stack writes (PGlite, lake, packets, dev issuer) lives under it; delete it to reseed.'),
    LEAF_SEED: intSetting(0, 0xffff_ffff).default(20_251_123).describe('Seed of the synthetic data generated on first start.'),
    /** Added to every service's default port, to run a second stack (or a test) beside the first. */
    LEAF_PORT_OFFSET: intSetting(0, 50_000).default(0).describe("Added to every service's default port, to run a second stack beside the first."),
    LEAF_SEED_CLAIMS: intSetting(0, 100_000_000).default(200_000).describe('How many synthetic claims the first start seeds.'),
    /**
     * Test only: SIGKILLs the launcher at this point of the first start, so a spec can check that
     * the next start still ends with the full dataset. Honoured only with LEAF_ENV=local and
     * NODE_ENV=test; anywhere else the setting stops the launcher.
     */
    LEAF_TEST_CRASH_AT: z
      .enum(testCrashPhases)
      .optional()
      .describe('Test hook: kills the first start at this phase; honoured only with LEAF_ENV=local and NODE_ENV=test.'),
    NODE_ENV: z.string().optional().describe('Only read to guard LEAF_TEST_CRASH_AT (test).'),
  })
  .superRefine((config, ctx) => {
    if (config.LEAF_TEST_CRASH_AT && !(config.LEAF_ENV === 'local' && config.NODE_ENV === 'test')) {
      ctx.addIssue({ code: 'custom', path: ['LEAF_TEST_CRASH_AT'], message: 'is a test hook: it is honoured only with LEAF_ENV=local and NODE_ENV=test' });
    }
  });
export type LocalStackConfig = z.infer<typeof localStackConfigSchema>;

/** What the stack keeps under its data directory. */
export interface StackPaths {
  /** The folder contract-packets syncs from. */
  readonly packets: string;
  /** Whether the launcher fills `packets` with synthetic packets on first start (not a folder the user named). */
  readonly syntheticPackets: boolean;
  /** The synthetic Domo exports the stack's Domo API stand-in serves (written on first start). */
  readonly domoExports: string;
  readonly lakeUrl: string;
  readonly devIssuerDir: string;
}

const explicit = (env: Env, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value ? value : undefined;
};

/**
 * Everything the stack writes lives under `LEAF_DATA_DIR` (so deleting it reseeds, and a second
 * data dir is a second, independent stack), unless a setting names another place explicitly:
 * `LEAF_LAKE_URL`, `LEAF_PACKETS_DIR` and `LEAF_DEV_ISSUER_DIR` still win.
 */
export function stackPaths(config: LocalStackConfig, env: Env): StackPaths {
  const dataDir = config.LEAF_DATA_DIR;
  const packets = explicit(env, 'LEAF_PACKETS_DIR');
  return {
    packets: packets ?? join(dataDir, 'packets'),
    syntheticPackets: packets === undefined,
    domoExports: join(dataDir, 'domo-api'),
    // An absolute file URL: the data dir may hold characters a relative `file:` URL would misread.
    lakeUrl: explicit(env, 'LEAF_LAKE_URL') ?? pathToFileURL(resolve(dataDir, 'lake')).href,
    devIssuerDir: explicit(env, 'LEAF_DEV_ISSUER_DIR') ?? devIssuerDirOf(dataDir),
  };
}
