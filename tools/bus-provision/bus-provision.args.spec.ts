import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BusProvisionArgsError, connectionFromEnv, parseBusProvisionArgs } from './bus-provision.args';

const root = join(__dirname, '../..');

function runProvision(env: Record<string, string>, args: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(root, 'tools/bus-provision/main.ts'), ...args], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        SWC_NODE_PROJECT: join(root, 'tsconfig.run.json'),
        ...env,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bus:provision did not exit:\n${stdout}\n${stderr}`));
    }, 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('bus:provision arguments and connection', () => {
  it('takes --dry-run and --help, and refuses anything else', () => {
    expect(parseBusProvisionArgs([])).toEqual({
      kind: 'provision',
      dryRun: false,
    });
    expect(parseBusProvisionArgs(['--dry-run'])).toEqual({
      kind: 'provision',
      dryRun: true,
    });
    expect(parseBusProvisionArgs(['--help']).kind).toBe('help');
    expect(() => parseBusProvisionArgs(['--force'])).toThrow(BusProvisionArgsError);
  });

  it('connects with the connection string when set, else to the namespace (short names completed)', () => {
    expect(
      connectionFromEnv({
        LEAF_SERVICE_BUS_CONNECTION_STRING: 'Endpoint=sb://x/;a=b',
        LEAF_SERVICE_BUS_NAMESPACE: 'leaf',
      }),
    ).toEqual({
      connectionString: 'Endpoint=sb://x/;a=b',
    });
    expect(connectionFromEnv({ LEAF_SERVICE_BUS_NAMESPACE: 'leaf-prod' })).toEqual({ fullyQualifiedNamespace: 'leaf-prod.servicebus.windows.net' });
    expect(
      connectionFromEnv({
        LEAF_SERVICE_BUS_NAMESPACE: 'leaf.servicebus.usgovcloudapi.net',
      }),
    ).toEqual({
      fullyQualifiedNamespace: 'leaf.servicebus.usgovcloudapi.net',
    });
    expect(() => connectionFromEnv({ LEAF_SERVICE_BUS_NAMESPACE: '  ' })).toThrow(/LEAF_SERVICE_BUS_CONNECTION_STRING or LEAF_SERVICE_BUS_NAMESPACE/);
  });

  it('exits 2 naming both settings when neither is set, before touching any namespace', async () => {
    const { code, stderr } = await runProvision({}, ['--dry-run']);
    expect(code).toBe(2);
    expect(stderr).toContain('LEAF_SERVICE_BUS_CONNECTION_STRING or LEAF_SERVICE_BUS_NAMESPACE');
    expect(stderr).toContain('Usage: npm run bus:provision');
  });
});
