import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential, type ContainerClient } from '@azure/storage-blob';
import { BlobLake, createBlobLake, createLake, isLakeError, LakeError, parseLakeUrl, type Lake } from '@leaf/storage';
import { describeLakeContract } from '@leaf/storage/testing';
import { startAzurite, type AzuriteBlob } from './azurite';

let azurite: AzuriteBlob;

beforeAll(async () => {
  azurite = await startAzurite();
});

afterAll(async () => {
  await azurite?.stop();
});

function uniqueContainer(): string {
  return `lake-${randomUUID()}`;
}

async function newContainer(): Promise<ContainerClient> {
  const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient(uniqueContainer());
  await container.create();
  return container;
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describeLakeContract('BlobLake on Azurite', async () => {
  const container = await newContainer();
  const spoolDir = await mkdtemp(join(tmpdir(), 'leaf-lake-spool-'));
  return {
    lake: createBlobLake({ connectionString: azurite.connectionString, container: container.containerName, spoolDir }),
    secrets: [azurite.accountKey, azurite.connectionString, azurite.blobEndpoint, spoolDir],
    async tamper(key, bytes) {
      // Rewrite the blob directly, keeping its recorded sha256 and content type: what bit rot or a stray writer would leave.
      const blob = container.getBlockBlobClient(key);
      const properties = await blob.getProperties();
      await blob.uploadData(bytes, { metadata: properties.metadata, blobHTTPHeaders: { blobContentType: properties.contentType } });
    },
    async revision(key) {
      return (await container.getBlockBlobClient(key).getProperties()).etag ?? '';
    },
    leftovers: async () => (await readdir(spoolDir)).length,
    async dispose() {
      await container.delete();
      await rm(spoolDir, { recursive: true, force: true });
    },
  };
});

describe('BlobLake blob layout and wiring', () => {
  let container: ContainerClient;
  let lake: Lake;

  beforeEach(async () => {
    container = await newContainer();
    lake = new BlobLake({ containerClient: container });
  });

  afterEach(async () => {
    await container.delete();
  });

  it('records the sha256 in blob metadata and the content type in blob properties', async () => {
    const object = await lake.put('bronze/domo', 'a,b\n1,2\n', { contentType: 'text/csv', metadata: { extract: 'daily' } });
    const properties = await container.getBlockBlobClient(object.key).getProperties();
    expect(properties.metadata).toEqual({ sha256: object.sha256, extract: 'daily' });
    expect(properties.contentType).toBe('text/csv');
    expect(properties.contentLength).toBe(8);
  });

  it('flags a blob whose recorded sha256 was changed, even if its bytes were not', async () => {
    const object = await lake.put('silver', 'unchanged bytes');
    await container.getBlockBlobClient(object.key).setMetadata({ sha256: '0'.repeat(64) });
    await expect(lake.verify(object.key)).rejects.toMatchObject({ code: 'LAKE_INTEGRITY' });
  });

  it('skips blobs in the container that are not lake objects when listing', async () => {
    await container.getBlockBlobClient('bronze/readme.txt').uploadData(Buffer.from('not an object'));
    const object = await lake.put('bronze', 'an object');
    expect(await collect(lake.list(''))).toEqual([object]);
  });

  it('works through createBlobLake with an account URL and a credential', async () => {
    const viaCredential = createBlobLake({
      accountUrl: azurite.blobEndpoint,
      credential: new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey),
      container: container.containerName,
    });
    const object = await viaCredential.put('artifacts', 'via credential');
    expect((await lake.read(object.key)).toString()).toBe('via credential');
  });

  it('works through createLake from config and from a path-style lake URL', async () => {
    const fromConfig = createLake({ kind: 'azure-blob', connectionString: azurite.connectionString, container: container.containerName });
    const object = await fromConfig.put('snapshots', 'from config');

    const port = new URL(azurite.blobEndpoint).port;
    const config = parseLakeUrl(`azure-blob://127.0.0.1:${port}/${azurite.accountName}/${container.containerName}`);
    const fromUrl = createLake(config, { credential: new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey) });
    expect(await fromUrl.stat(object.key)).toEqual(object);
  });

  it('reports an unreachable service as LAKE_UNAVAILABLE without leaking the key or endpoint', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const endpoint = `http://127.0.0.1:${port}/${azurite.accountName}`;
    const connectionString = azurite.connectionString.replace(azurite.blobEndpoint, endpoint);
    const offline = createBlobLake({ connectionString, container: 'offline', pipeline: { retryOptions: { maxTries: 1 } } });

    const failures = await Promise.all([
      offline.put('bronze', 'x').catch((error: unknown) => error),
      offline.stat(`bronze/sha256/00/${'0'.repeat(64)}`).catch((error: unknown) => error),
      collect(offline.list('')).catch((error: unknown) => error),
    ]);
    for (const failure of failures) {
      expect(isLakeError(failure, 'LAKE_UNAVAILABLE')).toBe(true);
      const error = failure as LakeError;
      const text = `${error.message}\n${error.stack}\n${String((error.cause as Error | undefined)?.message)}\n${JSON.stringify(error.cause)}`;
      for (const secret of [azurite.accountKey, endpoint, `127.0.0.1:${port}`]) expect(text).not.toContain(secret);
    }
  });
});
