import { join, resolve } from 'node:path';
import { isConfigError, loadConfig, type Env } from '@leaf/platform';
import { parseLakeUrl } from '@leaf/storage';
import { localStackConfigSchema, stackPaths } from './local-stack.config';

const pathsFor = (env: Env) => stackPaths(loadConfig(localStackConfigSchema, env), env);

describe('local stack settings', () => {
  it('keeps lake, packets and dev issuer under LEAF_DATA_DIR', () => {
    const dataDir = join('tmp', 'a stack #2');
    const paths = pathsFor({ LEAF_DATA_DIR: dataDir });
    expect(paths).toEqual({
      packets: join(dataDir, 'packets'),
      syntheticPackets: true,
      domoExports: join(dataDir, 'domo-api'),
      lakeUrl: expect.stringMatching(/^file:\/\/\//),
      devIssuerDir: join(dataDir, 'dev-issuer'),
    });
    // The lake URL names the folder exactly, whatever the data dir's characters.
    expect(parseLakeUrl(paths.lakeUrl)).toMatchObject({ kind: 'filesystem', root: resolve(dataDir, 'lake') });
    expect(pathsFor({})).toMatchObject({ packets: join('.data', 'packets'), devIssuerDir: join('.data', 'dev-issuer') });
    expect(parseLakeUrl(pathsFor({}).lakeUrl)).toMatchObject({ root: resolve('.data', 'lake') });
  });

  it('lets an explicit setting win, and never fills a packets folder the user named', () => {
    const env = {
      LEAF_DATA_DIR: 'd',
      LEAF_LAKE_URL: 'azure-blob://acct.blob.core.windows.net/lake',
      LEAF_PACKETS_DIR: '/srv/packets',
      LEAF_DEV_ISSUER_DIR: '/srv/keys',
    };
    expect(pathsFor(env)).toEqual({
      packets: '/srv/packets',
      syntheticPackets: false,
      domoExports: join('d', 'domo-api'),
      lakeUrl: env.LEAF_LAKE_URL,
      devIssuerDir: '/srv/keys',
    });
  });

  it('honours the test crash hook only with LEAF_ENV=local and NODE_ENV=test, naming the setting otherwise', () => {
    expect(loadConfig(localStackConfigSchema, { LEAF_TEST_CRASH_AT: 'seed-claims', NODE_ENV: 'test' }).LEAF_TEST_CRASH_AT).toBe('seed-claims');
    for (const env of [
      { LEAF_TEST_CRASH_AT: 'seed-claims' },
      { LEAF_TEST_CRASH_AT: 'seed-claims', NODE_ENV: 'test', LEAF_ENV: 'dev', LEAF_INTERNAL_IDENTITY_KEY: 'k'.repeat(40) },
    ]) {
      const error: unknown = (() => {
        try {
          return loadConfig(localStackConfigSchema, env);
        } catch (e) {
          return e;
        }
      })();
      expect(isConfigError(error) && error.issues).toEqual([{ setting: 'LEAF_TEST_CRASH_AT', problem: expect.stringContaining('NODE_ENV=test') }]);
    }
    expect(() => loadConfig(localStackConfigSchema, { LEAF_TEST_CRASH_AT: 'later', NODE_ENV: 'test' })).toThrow('LEAF_TEST_CRASH_AT');
  });
});
