import { readFile, writeFile } from 'node:fs/promises';
import { cacheFile, openInMemoryPglite } from './in-memory-pglite';

describe('openInMemoryPglite', () => {
  it('recovers from a damaged cluster cache by running initdb and rewriting the cache', async () => {
    const file = cacheFile();
    expect(file).toMatch(/node_modules\/\.cache\/leaf-pglite\/fresh-cluster-[\d.]+\.tar\.gz$/);
    await writeFile(file as string, 'not a tarball');

    const db = await openInMemoryPglite({});
    try {
      expect((await db.query<{ ok: number }>('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    } finally {
      await db.close();
    }
    const rewritten = await readFile(file as string);
    expect(rewritten.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b])); // gzip magic: a real dump again
  });
});
