import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const workspace = resolve(__dirname, '../../../..');

describe('installGracefulShutdown', () => {
  it('logs an unhandled rejection as an error and ends the process through the drain-and-close path with exit code 1', async () => {
    const child = spawn(process.execPath, ['-r', '@swc-node/register', resolve(__dirname, 'fixtures/unhandled-rejection.fixture.ts')], {
      cwd: workspace,
      env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.run.json' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));

    const lines = out.split('\n').filter(Boolean);
    const logged = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: string; msg: string; err?: { message?: string } });
    const rejection = logged.find((l) => l.msg.includes('unhandled promise rejection'));
    expect(rejection).toMatchObject({ level: 'error', msg: 'unhandled promise rejection; shutting down' });
    expect(rejection?.err?.message).toBe('lost consumer failure');
    // The orderly path, in order, then exit 1; not Node's crash (which prints the stack to stderr).
    expect(lines.filter((l) => !l.startsWith('{'))).toEqual(['ready', 'marked draining', 'drained', 'closed']);
    expect(code).toBe(1);
    expect(err).not.toContain('lost consumer failure');
  }, 30_000);
});
