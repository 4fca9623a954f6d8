import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

/** The one-command stack as its own process (`npm start`), with every line it writes kept. */
export interface StackProcess {
  gatewayUrl: string;
  /** Every stdout and stderr line so far: JSON log lines of all eight services, and the banner. */
  lines(): string[];
  stop(): Promise<void>;
}

const root = resolve(__dirname, '..', '..', '..', '..', '..');

/**
 * Starts `apps/local-stack/src/main.ts` the way `npm start` does, in a child process: its logs are
 * then exactly what an operator would collect (every service, every logger, stderr too), and the
 * spec's own process holds no stack state. Resolves once the banner says the stack is up.
 */
export async function startStackProcess(env: Record<string, string>, portOffset: number, timeoutMs = 150_000): Promise<StackProcess> {
  const lines: string[] = [];
  const child: ChildProcess = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/local-stack/src/main.ts'], {
    cwd: root,
    env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.run.json', LEAF_PORT_OFFSET: String(portOffset), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let partial = '';
  const collect = (chunk: Buffer) => {
    const text = partial + chunk.toString('utf8');
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts.filter(Boolean));
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`the stack did not start in ${timeoutMs} ms:\n${lines.slice(-20).join('\n')}`)), timeoutMs);
    const poll = setInterval(() => {
      if (lines.some((l) => l.startsWith('Leaf is up'))) {
        clearInterval(poll);
        clearTimeout(timer);
        ready();
      }
    }, 100);
    void exited.then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      fail(new Error(`the stack exited (${code}) before it was up:\n${lines.slice(-20).join('\n')}`));
    });
  });

  return {
    gatewayUrl: `http://127.0.0.1:${3000 + portOffset}`,
    lines: () => [...lines, ...(partial ? [partial] : [])],
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
