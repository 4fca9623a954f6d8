import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..');

/** Runs one service as its container would, from the sources, and collects how it ended. */
function runService(name: string, env: Record<string, string>, timeoutMs = 60_000): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(root, 'tools/run-service.ts'), name], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', SWC_NODE_PROJECT: join(root, 'tsconfig.run.json'), ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`service did not exit within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('starting a service alone', () => {
  it('stops with exit code 1 and names every bad setting without echoing its value', async () => {
    const { code, stderr } = await runService('claims-runtime', {
      LEAF_DATABASE_URL: 'mysql://admin:hunter2@db/claims',
      LEAF_SHUTDOWN_GRACE_MS: 'soon',
    });
    expect(code).toBe(1);
    expect(stderr).toContain('claims-runtime: invalid configuration');
    expect(stderr).toContain('LEAF_DATABASE_URL: must start with one of');
    expect(stderr).toContain('LEAF_SHUTDOWN_GRACE_MS');
    expect(stderr).not.toContain('hunter2');
  });

  it('refuses the Azure bus without a namespace or connection string', async () => {
    const { code, stderr } = await runService('lane-worker', { LEAF_BUS: 'azure' });
    expect(code).toBe(1);
    expect(stderr).toContain('LEAF_SERVICE_BUS_NAMESPACE: is required when LEAF_BUS=azure');
  });

  it('rejects an unknown service name with a usage line', async () => {
    const { code, stderr } = await runService('billing', {});
    expect(code).toBe(2);
    expect(stderr).toMatch(/usage: npm run service -- <gateway\|claims-runtime/);
  });

  it('serves, reports ready on an embedded database, and exits 0 on SIGTERM', async () => {
    const port = String(23_000 + (process.pid % 2_000));
    const lakeDir = mkdtempSync(join(tmpdir(), 'leaf-run-service-'));
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(root, 'tools/run-service.ts'), 'retrieval'], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        SWC_NODE_PROJECT: join(root, 'tsconfig.run.json'),
        PORT: port,
        LEAF_DATABASE_URL: 'pglite:memory',
        LEAF_LAKE_URL: `file:${lakeDir}`,
      },
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      let ready: Response | undefined;
      for (let i = 0; i < 120 && ready?.status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 250));
        ready = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined);
      }
      expect(ready?.status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toContain('shutdown complete');
    } finally {
      child.kill('SIGKILL');
      rmSync(lakeDir, { recursive: true, force: true });
    }
  }, 90_000);
});
