import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';

/**
 * Opens an in-memory PGlite, starting from a freshly initialised cluster kept in a cache.
 *
 * Most of PGlite's start-up is initdb (2 s idle, 7-9 s on a loaded 2-core machine); loading a
 * gzip dump of a cluster that initdb just produced takes about 0.4 s and yields the same empty
 * database. The dump is taken before anyone writes to the new instance. It is kept in memory for
 * this module instance and on disk under `node_modules/.cache/leaf-pglite/` (like other build
 * caches), because Jest gives every test file its own module registry and every worker its own
 * process. Any problem with the cache just falls back to initdb.
 */
let fresh: Promise<Blob> | undefined;

export async function openInMemoryPglite(options: PGliteOptions): Promise<PGlite> {
  fresh ??= readCachedCluster();
  const dump = await fresh.catch(() => undefined);
  if (dump) {
    try {
      return await PGlite.create('memory://', { ...options, loadDataDir: dump });
    } catch {
      fresh = undefined; // a damaged cache file: rebuild it below
    }
  }
  const db = await PGlite.create('memory://', options);
  const cluster = db.dumpDataDir('gzip');
  fresh = cluster;
  await cluster.then(writeCachedCluster).catch(() => undefined);
  return db;
}

export function cacheFile(): string | undefined {
  try {
    // .../node_modules/@electric-sql/pglite/dist/index.cjs -> .../node_modules
    const entry = require.resolve('@electric-sql/pglite');
    const packageDir = dirname(dirname(entry));
    const nodeModules = dirname(dirname(packageDir));
    const { version } = require(join(packageDir, 'package.json')) as { version: string };
    return join(nodeModules, '.cache', 'leaf-pglite', `fresh-cluster-${version}.tar.gz`);
  } catch {
    return undefined;
  }
}

async function readCachedCluster(): Promise<Blob> {
  const file = cacheFile();
  if (!file) throw new Error('no cache location');
  const bytes = await readFile(file);
  // PGlite fails on a damaged archive from inside a stream, where the error cannot be caught;
  // so the archive is checked here first (a truncated or foreign file throws).
  gunzipSync(bytes);
  return new Blob([bytes], { type: 'application/x-gzip' });
}

async function writeCachedCluster(dump: Blob): Promise<void> {
  const file = cacheFile();
  if (!file) return;
  await mkdir(dirname(file), { recursive: true });
  // Write then rename, so a parallel reader sees either no file or a whole one.
  const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.partial`;
  try {
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file);
  } finally {
    await rm(partial, { force: true });
  }
}
