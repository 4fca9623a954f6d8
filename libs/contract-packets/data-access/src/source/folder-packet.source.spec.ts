import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FolderPacketSource } from './folder-packet.source';

describe('FolderPacketSource', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'packets-'));
    await mkdir(join(dir, 'acme'));
    await mkdir(join(dir, 'Not A Client'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reports client-folder files, then changes and removals since the cursor, without ever exposing the folder', async () => {
    await writeFile(join(dir, 'acme', 'a.pdf'), 'one');
    await writeFile(join(dir, 'acme', 'b.xlsx'), 'two');
    await writeFile(join(dir, 'Not A Client', 'c.pdf'), 'ignored');
    const source = new FolderPacketSource(dir);
    const first = await source.delta(null);
    expect(first.full).toBe(true);
    expect(first.changes.map((c) => c.type === 'upsert' && [c.item.clientId, c.item.name])).toEqual([
      ['acme', 'a.pdf'],
      ['acme', 'b.xlsx'],
    ]);
    expect(JSON.stringify(first)).not.toContain(dir);
    const a = first.changes[0].type === 'upsert' ? first.changes[0].item : null;
    expect(Buffer.from(await source.download(a!)).toString()).toBe('one');

    await writeFile(join(dir, 'acme', 'b.xlsx'), 'two, amended');
    await rm(join(dir, 'acme', 'a.pdf'));
    const second = await source.delta(first.cursor);
    expect(second.full).toBe(false);
    expect(second.changes).toEqual([
      { type: 'upsert', item: expect.objectContaining({ name: 'b.xlsx', size: 12 }) },
      { type: 'deleted', itemId: a!.itemId },
    ]);
  });
});
