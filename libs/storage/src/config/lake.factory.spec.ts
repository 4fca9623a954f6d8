import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FilesystemLake } from '../filesystem/filesystem.lake';
import { createBlobLake } from '../blob/blob.factory';
import type { LakeConfig } from './lake-config.schema';
import { createLake } from './lake.factory';

describe('createLake', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'leaf-lake-config-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('builds a working folder lake from config', async () => {
    const lake = createLake({ kind: 'filesystem', root });
    expect(lake).toBeInstanceOf(FilesystemLake);
    const object = await lake.put('bronze', 'hello');
    expect((await new FilesystemLake(root).read(object.key)).toString()).toBe('hello');
  });

  it('names the invalid setting without repeating secret values', () => {
    const secret = 'DefaultEndpointsProtocol=https;AccountName=leaf;AccountKey=SECRETKEY==';
    const cases: Array<[unknown, RegExp]> = [
      [{ kind: 'azure-blob', connectionString: secret, accountUrl: 'https://leaf.blob.core.windows.net', container: 'lake' }, /connectionString/],
      [{ kind: 'azure-blob', container: 'lake' }, /connectionString/],
      [{ kind: 'azure-blob', accountUrl: 'https://leaf.blob.core.windows.net?sig=SECRETSIG', container: 'lake' }, /accountUrl/],
      [{ kind: 'azure-blob', connectionString: secret, container: 'UPPER' }, /container/],
      [{ kind: 'filesystem', root: '' }, /root/],
      [{ kind: 'adls' }, /kind/],
    ];
    for (const [config, field] of cases) {
      let caught: unknown;
      try {
        createLake(config as LakeConfig);
      } catch (error) {
        caught = error;
      }
      expect(caught).toMatchObject({ code: 'LAKE_CONFIG_INVALID', message: expect.stringMatching(field) });
      expect((caught as Error).message).not.toMatch(/SECRET/);
    }
  });

  it('refuses a malformed connection string without echoing it', () => {
    let caught: unknown;
    try {
      createBlobLake({ connectionString: 'AccountKey=SECRETKEY;garbage', container: 'lake' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'LAKE_CONFIG_INVALID' });
    expect(`${(caught as Error).message} ${String(((caught as Error).cause as Error | undefined)?.message)}`).not.toMatch(/SECRET/);
  });
});
