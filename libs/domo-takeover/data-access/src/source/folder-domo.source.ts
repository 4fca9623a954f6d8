import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { DomoSourceError } from '../domo-api/domo-api.error';
import { domoDatasetMetadataSchema, type DomoDatasetMetadata } from '../domo-api/domo-api.schemas';
import type { DomoSource } from './domo-source.port';

const FILE = /^[A-Za-z0-9._-]+$/;

/**
 * A folder of Domo exports: for each dataset `<id>.json` (the metadata `GET /v1/datasets/{id}`
 * answers, schema included) beside `<id>.csv` (the export with its header row). Ids are checked
 * against a plain file-name pattern, so an id never walks out of the folder; errors name the
 * dataset, never the folder's path.
 */
export class FolderDomoSource implements DomoSource {
  readonly kind = 'folder' as const;

  constructor(private readonly dir: string) {}

  async datasets(): Promise<DomoDatasetMetadata[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new DomoSourceError('DOMO_UNAVAILABLE', 'the Domo export folder cannot be read', { cause });
    }
    const out: DomoDatasetMetadata[] = [];
    for (const name of names.filter((n) => n.endsWith('.json')).sort()) {
      const id = name.slice(0, -'.json'.length);
      if (!FILE.test(id) || !names.includes(`${id}.csv`)) continue;
      let body: unknown;
      try {
        body = JSON.parse(await readFile(join(this.dir, name), 'utf8'));
      } catch (cause) {
        throw new DomoSourceError('DOMO_SOURCE_INVALID', `metadata of export ${id} is not JSON`, { cause });
      }
      const parsed = domoDatasetMetadataSchema.safeParse(body);
      if (!parsed.success || parsed.data.id !== id)
        throw new DomoSourceError('DOMO_SOURCE_INVALID', `metadata of export ${id} is not Domo dataset metadata for that id`);
      out.push(parsed.data);
    }
    return out;
  }

  async open(datasetId: string): Promise<Readable> {
    if (!FILE.test(datasetId)) throw new DomoSourceError('DOMO_NOT_FOUND', 'no such export');
    const stream = createReadStream(join(this.dir, `${datasetId}.csv`));
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', (cause) => reject(new DomoSourceError('DOMO_NOT_FOUND', `no export for dataset ${datasetId}`, { cause })));
    });
    return stream;
  }
}
