import { createHash } from 'node:crypto';
import { chmod, mkdtemp, readdir, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeLakeContract } from '../testing/lake.contract';
import { FilesystemLake } from './filesystem.lake';
import { LakeError } from '../errors/lake.error';

async function countFiles(dir: string): Promise<number> {
  try {
    return (await readdir(dir)).length;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
}

describeLakeContract('FilesystemLake', async () => {
  const root = await mkdtemp(join(tmpdir(), 'leaf-lake-'));
  const lakeRoot = join(root, 'lake');
  return {
    lake: new FilesystemLake(lakeRoot),
    secrets: [root],
    async tamper(key, bytes) {
      const file = join(lakeRoot, ...key.split('/'));
      await chmod(file, 0o644);
      await writeFile(file, bytes);
    },
    async revision(key) {
      const info = await stat(join(lakeRoot, ...key.split('/')));
      return `${info.ino}:${info.mtimeMs}:${info.size}`;
    },
    leftovers: () => countFiles(join(lakeRoot, '.tmp')),
    dispose: () => rm(root, { recursive: true, force: true }),
  };
});

describe('FilesystemLake on disk', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'leaf-lake-fs-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('rejects traversal before touching the disk: the lake folder is not even created', async () => {
    const lakeRoot = join(root, 'lake');
    const lake = new FilesystemLake(lakeRoot);
    const hash = createHash('sha256').update('secret').digest('hex');
    // A file that a traversing key would reach if keys were joined onto the root unchecked.
    await mkdir(join(root, 'sha256', hash.slice(0, 2)), { recursive: true });
    await writeFile(join(root, 'sha256', hash.slice(0, 2), hash), 'secret');

    for (const key of [`../sha256/${hash.slice(0, 2)}/${hash}`, `lake/..%2f/sha256/${hash.slice(0, 2)}/${hash}`]) {
      await expect(lake.read(key)).rejects.toBeInstanceOf(LakeError);
      await expect(lake.read(key)).rejects.toMatchObject({ code: 'LAKE_INVALID_KEY' });
    }
    await expect(lake.put('../outside', 'x')).rejects.toMatchObject({ code: 'LAKE_INVALID_KEY' });
    await expect(stat(lakeRoot)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('stores objects as read-only files with no staging files left behind', async () => {
    const lake = new FilesystemLake(root);
    const object = await lake.put('bronze/claims', 'ndc,awp\n00002-1433-80,100.00\n', { contentType: 'text/csv' });
    const info = await stat(join(root, ...object.key.split('/')));
    expect(info.mode & 0o777).toBe(0o444);
    expect(await readdir(join(root, '.tmp'))).toEqual([]);
    // A fresh instance over the same folder sees the same object (nothing lives only in memory).
    expect(await new FilesystemLake(root).stat(object.key)).toEqual(object);
  });

  it('ignores foreign files in the lake folder when listing', async () => {
    const lake = new FilesystemLake(root);
    const object = await lake.put('bronze', 'kept');
    await writeFile(join(root, 'bronze', 'notes.txt'), 'not an object');
    await writeFile(join(root, 'bronze', 'sha256', object.sha256.slice(0, 2), 'not-a-hash'), 'x');
    const listed = [];
    for await (const item of lake.list('')) listed.push(item);
    expect(listed).toEqual([object]);
  });
});
