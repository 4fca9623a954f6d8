import type { INestApplication } from '@nestjs/common';
import type { Logger } from 'pino';
import { HealthRegistry } from '../health/health.registry';
import { ShutdownCoordinator } from './shutdown.coordinator';

export interface ShutdownOptions {
  graceMs: number;
  logger: Logger;
  /** Injected so tests can observe the exit code instead of ending the test process. */
  exit?: (code: number) => void;
  /** Extra teardown after the apps closed (e.g. the embedded database of the local stack). */
  afterClose?: () => Promise<void>;
}

/**
 * SIGTERM sequence: mark not-ready (the Service stops routing here), drain workers, close HTTP
 * (Fastify answers 503 to new requests and lets in-flight ones finish), then close the data
 * sources. If that takes longer than the grace period the process exits non-zero rather than be
 * killed mid-write by the kubelet's SIGKILL.
 */
export async function shutdownApps(apps: readonly INestApplication[], options: ShutdownOptions): Promise<number> {
  const { logger, graceMs } = options;
  let timer: NodeJS.Timeout | undefined;
  const overdue = new Promise<'overdue'>((resolve) => {
    timer = setTimeout(() => resolve('overdue'), graceMs);
    timer.unref();
  });
  const orderly = (async () => {
    for (const app of apps) app.get(HealthRegistry, { strict: false }).markDraining();
    await Promise.all(
      apps.map(async (app) => {
        const failures = (await app.get(ShutdownCoordinator, { strict: false }).drainAll()).filter((r) => r.status === 'rejected');
        for (const f of failures) logger.error({ err: (f as PromiseRejectedResult).reason }, 'drain hook failed');
      }),
    );
    await Promise.all(apps.map((app) => app.close()));
    await options.afterClose?.();
    return 'closed' as const;
  })();
  const outcome = await Promise.race([orderly, overdue]);
  clearTimeout(timer);
  if (outcome === 'overdue') {
    logger.error({ graceMs }, 'shutdown grace period exceeded; exiting with work still in flight');
    return 1;
  }
  logger.info('shutdown complete');
  return 0;
}

/**
 * Wires SIGTERM/SIGINT to `shutdownApps` once per process, and an unhandled promise rejection
 * too: one means some work's outcome is unknown, so it is logged as an error and the process
 * stops the same orderly way (drain, close) with exit code 1, for the orchestrator to restart a
 * clean one, instead of Node's abrupt crash mid-write. Returns what removes the listeners.
 */
export function installGracefulShutdown(apps: readonly INestApplication[], options: ShutdownOptions): () => void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let started = false;
  const shutDown = (failed: boolean) => {
    if (started) return;
    started = true;
    void shutdownApps(apps, options).then(
      (code) => exit(failed ? 1 : code),
      (err: unknown) => {
        options.logger.error({ err }, 'shutdown failed');
        exit(1);
      },
    );
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (started) return;
    options.logger.info({ signal }, 'shutdown requested');
    shutDown(false);
  };
  const onUnhandledRejection = (reason: unknown) => {
    options.logger.error({ err: reason }, started ? 'unhandled promise rejection during shutdown' : 'unhandled promise rejection; shutting down');
    shutDown(true);
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  process.on('unhandledRejection', onUnhandledRejection);
  return () => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    process.off('unhandledRejection', onUnhandledRejection);
  };
}
