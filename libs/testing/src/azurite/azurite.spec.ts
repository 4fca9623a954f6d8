import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { startAzurite, type AzuriteBlob } from './azurite';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function eventually(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

describe('startAzurite', () => {
  const started: AzuriteBlob[] = [];

  afterAll(async () => {
    await Promise.all(started.map((azurite) => azurite.stop()));
  });

  it('serves the blob API on its own free port per instance and stops for good', async () => {
    const [first, second] = await Promise.all([startAzurite(), startAzurite()]);
    started.push(first, second);
    expect(first.blobEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
    expect(first.blobEndpoint).not.toBe(second.blobEndpoint);

    const client = BlobServiceClient.fromConnectionString(first.connectionString);
    const container = client.getContainerClient('probe');
    await container.create();
    await container.getBlockBlobClient('hello.txt').uploadData(Buffer.from('hello'));
    expect((await container.getBlockBlobClient('hello.txt').downloadToBuffer()).toString()).toBe('hello');
    // Separate servers: the second one never saw that container.
    expect(await BlobServiceClient.fromConnectionString(second.connectionString).getContainerClient('probe').exists()).toBe(false);

    await first.stop();
    await first.stop();
    expect(alive(first.pid)).toBe(false);
    await expect(fetch(first.blobEndpoint, { signal: AbortSignal.timeout(2_000) })).rejects.toThrow();
    expect(alive(second.pid)).toBe(true);
  });

  it('does not outlive a test process that dies without cleaning up', async () => {
    // A parent that starts Azurite and is then SIGKILLed: no afterAll, no exit hook runs.
    const parent = spawn(
      process.execPath,
      ['-r', '@swc-node/register', '-e', `require(${JSON.stringify(join(__dirname, 'azurite.ts'))}).startAzurite().then((a) => console.log('PID ' + a.pid))`],
      {
        cwd: join(__dirname, '../../../..'),
        env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.run.json' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let azuritePid: number | undefined;
    try {
      azuritePid = await new Promise<number>((resolve, reject) => {
        let output = '';
        parent.stdout?.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /PID (\d+)/.exec(output);
          if (match) resolve(Number(match[1]));
        });
        parent.once('exit', (code) => reject(new Error(`parent exited early with ${code}: ${output}`)));
      });
      expect(alive(azuritePid)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
    }
    const pid = azuritePid;
    expect(await eventually(() => !alive(pid), 10_000)).toBe(true);
  });
});
