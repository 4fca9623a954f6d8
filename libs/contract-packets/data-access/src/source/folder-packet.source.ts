import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { clientIdSchema } from '@leaf/contracts';
import { PacketSourceError } from './packet-source.error';
import type { PacketSource, SourceChange, SourceDelta, SourceItem } from './packet-source.port';

interface Listed {
  readonly item: SourceItem;
  readonly relative: string;
}

/**
 * Packets from a local folder laid out as `<dir>/<clientId>/<file>` (the embedded default). The
 * cursor is the previous listing's `itemId -> eTag` map, so `delta` reports what was added,
 * changed or removed since, like Graph does. Item ids are digests of the relative name: the
 * folder's location never leaves this class.
 */
export class FolderPacketSource implements PacketSource {
  readonly kind = 'folder' as const;
  readonly sourceId = 'folder';
  private readonly known = new Map<string, string>();

  constructor(private readonly dir: string) {}

  async delta(cursor: string | null): Promise<SourceDelta> {
    const previous = cursor ? (JSON.parse(cursor) as Record<string, string>) : null;
    const listing = await this.list();
    const changes: SourceChange[] = [];
    const now: Record<string, string> = {};
    for (const { item } of listing) {
      now[item.itemId] = item.eTag ?? '';
      if (!previous || previous[item.itemId] !== item.eTag) changes.push({ type: 'upsert', item });
    }
    for (const itemId of Object.keys(previous ?? {})) if (!(itemId in now)) changes.push({ type: 'deleted', itemId });
    return { changes, cursor: JSON.stringify(now), full: previous === null };
  }

  async download(item: SourceItem): Promise<Uint8Array> {
    const relative = this.known.get(item.itemId);
    if (!relative) throw new PacketSourceError('not-found', `packet ${item.itemId} is not in the folder`);
    try {
      return await readFile(join(this.dir, relative));
    } catch {
      throw new PacketSourceError('not-found', `packet ${item.itemId} can no longer be read`);
    }
  }

  private async list(): Promise<Listed[]> {
    const out: Listed[] = [];
    let clients: string[];
    try {
      clients = await readdir(this.dir);
    } catch {
      return out;
    }
    for (const clientId of clients.sort()) {
      if (!clientIdSchema.safeParse(clientId).success) continue;
      let names: string[];
      try {
        names = await readdir(join(this.dir, clientId));
      } catch {
        continue;
      }
      for (const name of names.sort()) {
        const relative = `${clientId}/${name}`;
        const info = await stat(join(this.dir, relative));
        if (!info.isFile()) continue;
        const itemId = createHash('sha256').update(relative).digest('hex').slice(0, 40);
        this.known.set(itemId, relative);
        out.push({ relative, item: { itemId, clientId, name, eTag: `${Math.trunc(info.mtimeMs)}-${info.size}`, size: info.size, quickXorHash: null } });
      }
    }
    return out;
  }
}
