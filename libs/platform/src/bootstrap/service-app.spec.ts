import { Body, Controller, Get, Injectable, Module, Post, type OnModuleInit } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { z } from 'zod';
import { AppError } from '../errors/app-error';
import { HealthModule } from '../health/health.module';
import { HealthRegistry } from '../health/health.registry';
import { ZodPipe } from '../http/zod-body.pipe';
import { shutdownApps } from '../shutdown/graceful-shutdown';
import { ShutdownCoordinator, ShutdownModule } from '../shutdown/shutdown.coordinator';
import { captureLogger } from '../testing/capture-logger';
import { createServiceApp } from './create-service-app';

// Response bodies are asserted field by field; typing them fully would add nothing.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const body = async (res: Response): Promise<any> => res.json();

const runSchema = z.object({ clientId: z.string().min(3), period: z.string().regex(/^\d{4}$/) });

let dependencyUp = true;
let releaseSlow: () => void = () => undefined;
const drained: string[] = [];

@Controller('v1')
class DemoController {
  @Get('slow')
  async slow() {
    await new Promise<void>((resolve) => (releaseSlow = resolve));
    return { done: true };
  }

  @Get('boom')
  boom() {
    throw new Error('connect ECONNREFUSED db.internal:1433 password=hunter2');
  }

  @Get('conflict')
  conflict() {
    throw new AppError('CONFLICT', 'run r-1 is already running');
  }

  @Post('runs')
  create(@Body(new ZodPipe(runSchema)) body: z.infer<typeof runSchema>) {
    return { accepted: body.clientId };
  }
}

@Injectable()
class DemoDependency implements OnModuleInit {
  constructor(
    private readonly health: HealthRegistry,
    private readonly shutdown: ShutdownCoordinator,
  ) {}
  onModuleInit() {
    this.health.register({ name: 'database', check: async () => (dependencyUp ? { status: 'up' } : { status: 'down', detail: 'no connection' }) });
    this.shutdown.onDrain({ name: 'worker', drain: async () => void drained.push('worker') });
  }
}

@Module({ imports: [HealthModule.forService('demo'), ShutdownModule], controllers: [DemoController], providers: [DemoDependency] })
class DemoModule {}

async function start() {
  const { logger, lines } = captureLogger('demo');
  const app = await createServiceApp(DemoModule, { service: 'demo', logger, bodyLimitBytes: 2048 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as { port: number };
  return { app, lines, logger, base: `http://127.0.0.1:${address.port}` };
}

describe('a Leaf service app', () => {
  let app: NestFastifyApplication;
  let base: string;
  let lines: () => Record<string, unknown>[];

  beforeEach(async () => {
    dependencyUp = true;
    ({ app, base, lines } = await start());
  });
  afterEach(async () => {
    releaseSlow();
    await app.close().catch(() => undefined);
  });

  it('answers unknown routes with problem+json 404 and echoes a well-formed request id', async () => {
    const res = await fetch(`${base}/v1/nope`, { headers: { 'x-request-id': 'req-123' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.headers.get('x-request-id')).toBe('req-123');
    expect(await body(res)).toMatchObject({ status: 404, code: 'NOT_FOUND', instance: 'urn:leaf:request:req-123' });
  });

  it('replaces a malformed incoming request id', async () => {
    const res = await fetch(`${base}/v1/nope`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('lists every invalid field on bad input', async () => {
    const res = await fetch(`${base}/v1/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'a', period: 'x' }),
    });
    expect(res.status).toBe(400);
    const problem = await body(res);
    expect(problem.code).toBe('VALIDATION_FAILED');
    expect(problem.errors.map((e: { path: string }) => e.path).sort()).toEqual(['clientId', 'period']);
  });

  it('rejects malformed JSON, oversized bodies and wrong content types as 4xx problems', async () => {
    const badJson = await fetch(`${base}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"clientId":' });
    expect(badJson.status).toBe(400);
    const big = await fetch(`${base}/v1/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'x'.repeat(5000), period: '2025' }),
    });
    expect(big.status).toBe(413);
    expect((await body(big)).code).toBe('PAYLOAD_TOO_LARGE');
    const xml = await fetch(`${base}/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<run/>' });
    expect(xml.status).toBe(415);
  });

  it('maps typed errors to their status and hides internals of unexpected ones', async () => {
    const conflict = await fetch(`${base}/v1/conflict`);
    expect(conflict.status).toBe(409);
    expect((await body(conflict)).detail).toBe('run r-1 is already running');
    const boom = await fetch(`${base}/v1/boom`);
    const text = await boom.text();
    expect(boom.status).toBe(500);
    expect(text).not.toMatch(/db\.internal|hunter2|ECONNREFUSED|at /);
    const logged = JSON.stringify(lines());
    expect(logged).toContain('ECONNREFUSED');
    expect(logged).not.toContain('hunter2');
  });

  it('reports readiness from the registered checks', async () => {
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await body(ready)).toMatchObject({ service: 'demo', status: 'ready', checks: [{ name: 'database', status: 'up' }] });
    dependencyUp = false;
    const down = await fetch(`${base}/health/ready`);
    expect(down.status).toBe(503);
    expect((await body(down)).checks[0]).toMatchObject({ name: 'database', status: 'down', detail: 'no connection' });
  });

  it('on shutdown goes not-ready, drains workers, finishes in-flight requests, then stops listening', async () => {
    drained.length = 0;
    const inFlight = fetch(`${base}/v1/slow`);
    await new Promise((r) => setTimeout(r, 100));
    const { logger } = captureLogger('demo');
    const done = shutdownApps([app], { graceMs: 5_000, logger });
    await new Promise((r) => setTimeout(r, 100));
    expect(app.get(HealthRegistry).draining).toBe(true);
    expect(drained).toEqual(['worker']);
    releaseSlow();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await body(res)).toEqual({ done: true });
    expect(await done).toBe(0);
    await expect(fetch(`${base}/health/live`)).rejects.toThrow();
  });

  it('gives up with a non-zero code when in-flight work outlives the grace period', async () => {
    const hanging = fetch(`${base}/v1/slow`).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 100));
    const { logger, lines: shutdownLines } = captureLogger('demo');
    expect(await shutdownApps([app], { graceMs: 300, logger })).toBe(1);
    expect(JSON.stringify(shutdownLines())).toContain('grace period exceeded');
    releaseSlow();
    await hanging;
  });
});
