import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
export const AZURITE_ACCOUNT_NAME = 'devstoreaccount1';
export const AZURITE_ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteBlob {
  readonly connectionString: string;
  /** `http://127.0.0.1:<port>/devstoreaccount1` */
  readonly blobEndpoint: string;
  readonly accountName: string;
  readonly accountKey: string;
  /** Process id of the Azurite server (to check it is gone after `stop`). */
  readonly pid: number;
  /** Stops the server and waits for its process to exit; safe to call more than once. */
  stop(): Promise<void>;
}

export interface StartAzuriteOptions {
  /** How long to wait for the server to answer. Defaults to 30 s. */
  readonly startTimeoutMs?: number;
}

/*
 * Runs inside the child before Azurite's own entry point. When the parent (a Jest worker) dies
 * without running any hook — SIGKILL, OOM, a crashed worker — its end of the stdin pipe closes, and
 * the server goes with it instead of lingering as an orphan holding a port.
 */
const ORPHAN_GUARD = [
  "process.stdin.on('end', () => process.exit(0));",
  "process.stdin.on('error', () => process.exit(0));",
  'process.stdin.resume();',
  'require(process.argv[1]);',
].join('\n');

const LISTENING = /successfully listens on (https?:\/\/\S+)/;

function azuriteBlobMain(): string {
  return require.resolve('azurite/dist/src/blob/main.js');
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

async function answers(url: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      // Any HTTP answer (Azurite says 403 to an unsigned request) means the server is serving.
      const response = await fetch(`${url}/${AZURITE_ACCOUNT_NAME}?comp=list`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error('Azurite did not answer HTTP in time', { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/**
 * Starts Azurite's blob service from node_modules on a free 127.0.0.1 port (the OS picks it, so
 * parallel Jest workers never collide), in memory, with the Node that runs the tests. Call `stop()`
 * in `afterAll`; the process is also killed when the test process exits or dies.
 */
export async function startAzurite(options: StartAzuriteOptions = {}): Promise<AzuriteBlob> {
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  const child = spawn(
    process.execPath,
    [
      '-e',
      ORPHAN_GUARD,
      azuriteBlobMain(),
      '--blobHost',
      '127.0.0.1',
      '--blobPort',
      '0',
      '--inMemoryPersistence',
      '--disableTelemetry',
      '--skipApiVersionCheck',
      '--loose',
      '--silent',
    ],
    // In-memory mode writes nothing, but a neutral cwd keeps any stray file out of the repository.
    { cwd: tmpdir(), stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } },
  );
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  let output = '';
  const collect = (chunk: Buffer): void => {
    // Keep only the tail: enough to explain a failed start, bounded however chatty the server is.
    output = (output + chunk.toString('utf8')).slice(-4_000);
  };
  child.stderr?.on('data', collect);

  const kill = async (): Promise<void> => {
    try {
      if (await waitForExit(child, 0)) return;
      // Closing stdin trips the orphan guard: an in-memory server has nothing to flush, so it exits at once.
      child.stdin?.end();
      if (await waitForExit(child, 2_000)) return;
      child.kill('SIGTERM');
      if (await waitForExit(child, 5_000)) return;
      child.kill('SIGKILL');
      await waitForExit(child, 5_000);
    } finally {
      process.off('exit', killOnExit);
    }
  };

  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Azurite did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
      child.stdout?.on('data', (chunk: Buffer) => {
        collect(chunk);
        const match = LISTENING.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`Azurite exited before it was ready (code ${code}, signal ${signal}):\n${output}`));
      });
    });
    await answers(url, Date.now() + timeoutMs);

    // From here on the server must not keep a Jest worker alive on its own: the exit hook and the
    // stdin guard end it with the worker.
    child.unref();
    for (const stream of [child.stdout, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();

    const blobEndpoint = `${url}/${AZURITE_ACCOUNT_NAME}`;
    let stopping: Promise<void> | undefined;
    return {
      blobEndpoint,
      accountName: AZURITE_ACCOUNT_NAME,
      accountKey: AZURITE_ACCOUNT_KEY,
      connectionString: `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT_NAME};AccountKey=${AZURITE_ACCOUNT_KEY};BlobEndpoint=${blobEndpoint};`,
      pid: child.pid as number,
      stop: () => (stopping ??= kill()),
    };
  } catch (error) {
    await kill();
    throw error;
  }
}
