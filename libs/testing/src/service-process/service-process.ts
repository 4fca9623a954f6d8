import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { ServiceName } from '@leaf/contracts';

const workspace = join(__dirname, '../../../..');

export interface ServiceProcess {
  readonly child: ChildProcess;
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  readonly port: number;
  /** Its structured (JSON) log lines so far; other stdout lines are skipped. */
  logs(): Array<Record<string, unknown>>;
  /** Sends a signal (SIGSTOP / SIGCONT to stall and resume it) without waiting. */
  signal(signal: NodeJS.Signals): void;
  /** Sends `signal` (SIGKILL by default) if it still runs, and waits until it has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  readonly exited: Promise<void>;
}

export interface ServiceProcessOptions {
  /** Environment of the service (PORT is chosen here); the parent's environment is not inherited. */
  env: Record<string, string>;
  /** How long to wait for /health/ready. Defaults to 60 s (a cold start compiles the sources). */
  readyTimeoutMs?: number;
}

/** A free TCP port on 127.0.0.1 (asked of the OS, then released for the service to take). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * One Leaf service in its own process, started exactly as `npm run service -- <name>` starts it
 * (its app's main.ts from the sources, configuration from the environment, migrations applied by
 * the kit), resolved once it reports ready. For specs that kill, stall or restart a service.
 */
export async function startServiceProcess(name: ServiceName, options: ServiceProcessOptions): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(workspace, 'tools/run-service.ts'), name], {
    cwd: workspace,
    env: {
      PATH: process.env['PATH'] ?? '',
      SWC_NODE_PROJECT: join(workspace, 'tsconfig.run.json'),
      HOST: '127.0.0.1',
      ...options.env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let partial = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    partial += chunk.toString();
    const complete = partial.split('\n');
    partial = complete.pop() ?? '';
    for (const line of complete) {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // Not a log line (e.g. a warning printed by a dependency).
      }
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  const running = () => child.exitCode === null && child.signalCode === null;
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    if (running()) child.kill(signal);
    await exited;
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (!running()) throw new Error(`${name} exited before it was ready: ${stderr || JSON.stringify(lines.slice(-3))}`);
    const ready = await fetch(`${base}/health/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await kill();
      throw new Error(`${name} was not ready within ${options.readyTimeoutMs ?? 60_000} ms`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    child,
    base,
    port,
    logs: () => [...lines],
    signal: (signal) => {
      if (running()) child.kill(signal);
    },
    kill,
    exited,
  };
}
