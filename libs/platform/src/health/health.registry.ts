import { Inject, Injectable } from '@nestjs/common';
import type { CheckResult, HealthReport } from '@leaf/contracts';
import { SERVICE_NAME, type ReadinessCheck } from './readiness-check';

const checkTimeoutMs = 2_000;

/**
 * Readiness checks registered by the modules that own a dependency, plus the draining flag the
 * shutdown sequence sets, so a terminating pod is taken out of rotation before it stops.
 */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();
  private drainingSince: Date | undefined;

  constructor(@Inject(SERVICE_NAME) readonly service: string) {}

  register(check: ReadinessCheck): void {
    this.checks.set(check.name, check);
  }

  markDraining(): void {
    this.drainingSince ??= new Date();
  }

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  async readiness(): Promise<HealthReport> {
    const results = await Promise.all([...this.checks.values()].map((c) => runCheck(c)));
    if (this.draining) results.push({ name: 'shutdown', status: 'down', durationMs: 0, detail: 'draining for shutdown' });
    const ready = results.every((r) => r.status === 'up');
    return { service: this.service, status: ready ? 'ready' : 'not-ready', checks: results };
  }
}

async function runCheck(check: ReadinessCheck): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${checkTimeoutMs} ms`)), checkTimeoutMs);
    });
    const result = await Promise.race([check.check(), timeout]);
    return { name: check.name, ...result, durationMs: Math.round(performance.now() - started) };
  } catch (e) {
    // A failing check is the answer, not an error: report it, with a message safe to show.
    return { name: check.name, status: 'down', durationMs: Math.round(performance.now() - started), detail: e instanceof Error ? e.message : 'check failed' };
  } finally {
    clearTimeout(timer);
  }
}
