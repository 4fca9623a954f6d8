import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const workspace = resolve(__dirname, '../../../../..');

export interface WorkerProcess {
  child: ChildProcess;
  ready: Promise<void>;
  exited: Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** A fixture script in its own process on this (the pinned) Node, with the workspace's TypeScript hook, as `npm run service` runs. */
export function startWorkerProcess(fixture: string, args: string[]): WorkerProcess {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', resolve(__dirname, fixture), ...args], {
    cwd: workspace,
    env: { ...process.env, SWC_NODE_PROJECT: 'tsconfig.run.json' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((done, fail) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready\n')) done();
    });
    child.once('exit', (code) => fail(new Error(`worker process exited (${code}) before it was ready`)));
  });
  ready.catch(() => undefined);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return {
    child,
    ready,
    exited,
    kill: async (signal: NodeJS.Signals = 'SIGKILL') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
