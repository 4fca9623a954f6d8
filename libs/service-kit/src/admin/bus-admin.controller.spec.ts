import { randomBytes, randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import type { EntityPayload } from '@leaf/contracts';
import { MESSAGE_BUS, createEmbeddedBus, defaultBusTopology, type MessageBus, type ReceivedMessage } from '@leaf/messaging';
import { writeRawEmbeddedMessage } from '@leaf/messaging/testing';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import { createServiceApp, type PlatformConfig } from '@leaf/platform';
import { captureLogger, identityHeaders } from '@leaf/platform/testing';
import { authProviders } from '../auth.providers';
import { BusAdminController } from './bus-admin.controller';

const operator = identityHeaders({ subject: 'ops', roles: ['operator'], clientIds: '*' });

const task = (n: number): EntityPayload<'agent-tasks'> => ({
  taskId: `task-${n}-${randomUUID().slice(0, 8)}`,
  kind: 'admin-test',
  clientId: 'acme-health',
  parameters: { n },
  requestedBy: 'bus-admin-spec',
});

async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`not reached within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe.each(testDatabaseTargets())('bus admin HTTP API on $name', ({ create }) => {
  let db: TestDatabase;
  let bus: MessageBus;
  let app: NestFastifyApplication;
  let base: string;
  const schema = `bus_admin_http_${randomBytes(5).toString('hex')}`;
  const tasks = [task(1), task(2), task(3)];

  beforeAll(async () => {
    db = await create();
    bus = await createEmbeddedBus({ url: db.url, schema });
    @Module({ controllers: [BusAdminController], providers: [{ provide: MESSAGE_BUS, useValue: bus }, ...authProviders({} as PlatformConfig)] })
    class AdminTestModule {}
    app = await createServiceApp(AdminTestModule, { service: 'bus-admin-test', logger: captureLogger().logger, bodyLimitBytes: 64 * 1024 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;

    await bus.send(
      'agent-tasks',
      tasks.map((body) => ({ body })),
    );
    const consumer = bus.subscribe({ queue: 'agent-tasks' }, (m, context) =>
      context.deadLetter({ reason: 'poison', description: `bad ${(m.body as { taskId: string }).taskId}` }),
    );
    await until(
      () => bus.peek({ queue: 'agent-tasks' }, { deadLetter: true }),
      (m) => m.length === 3,
    );
    await consumer.close();
  });
  afterAll(async () => {
    await app?.close();
    await bus?.close();
    if (db) {
      const client = new Client({ connectionString: db.url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => client.end());
      await db.drop();
    }
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const call = async (path: string, init?: RequestInit): Promise<{ status: number; type: string | null; body: any }> => {
    const res = await fetch(`${base}${path}`, { ...init, headers: { ...operator, ...(init?.headers as Record<string, string>) } });
    return { status: res.status, type: res.headers.get('content-type'), body: await res.json() };
  };
  const post = (path: string, body: unknown) => call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('lists, inspects and resubmits one dead-lettered message; the consumer gets it and the others stay', async () => {
    const list = await call('/admin/bus/dead-letters?queue=agent-tasks');
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(3);
    expect(list.body.items[0]).toMatchObject({ reason: 'poison', description: `bad ${tasks[0].taskId}`, deliveryCount: 1 });
    expect(list.body.items[0].sequenceNumber).toMatch(/^\d+$/);
    expect(list.body.items[0]).not.toHaveProperty('body');
    const [first, second, third] = list.body.items as Array<{ sequenceNumber: string; messageId: string }>;

    const inspected = await call(`/admin/bus/dead-letters/${second.sequenceNumber}?queue=agent-tasks`);
    expect(inspected.status).toBe(200);
    expect(inspected.body).toMatchObject({ sequenceNumber: second.sequenceNumber, body: tasks[1] });

    const resubmit = await post('/admin/bus/dead-letters/resubmit', {
      address: { queue: 'agent-tasks' },
      sequenceNumbers: [second.sequenceNumber, '987654321'],
    });
    expect(resubmit.status).toBe(200);
    expect(resubmit.body).toMatchObject({
      resubmitted: [{ sequenceNumber: second.sequenceNumber, originalMessageId: second.messageId }],
      notFound: ['987654321'],
      notReached: [],
    });

    const handled: ReceivedMessage[] = [];
    const consumer = bus.subscribe({ queue: 'agent-tasks' }, async (m) => {
      handled.push(m);
    });
    await until(
      async () => handled.length,
      (n) => n >= 1,
    );
    await consumer.close();
    expect(handled.map((m) => m.body)).toEqual([tasks[1]]);

    const after = await call('/admin/bus/dead-letters?queue=agent-tasks');
    expect(after.body.items.map((d: { messageId: string }) => d.messageId)).toEqual([first.messageId, third.messageId]);
    const gone = await call(`/admin/bus/dead-letters/${second.sequenceNumber}?queue=agent-tasks`);
    expect(gone.status).toBe(404);
    expect(gone.type).toContain('application/problem+json');
    expect(gone.body.code).toBe('NOT_FOUND');
  });

  it('answers bad input with problem+json 400s naming the field, and an unknown subscription with 404', async () => {
    const noAddress = await call('/admin/bus/dead-letters');
    expect(noAddress.status).toBe(400);
    expect(noAddress.type).toContain('application/problem+json');
    expect(noAddress.body.code).toBe('VALIDATION_FAILED');

    const unknownQueue = await call('/admin/bus/dead-letters?queue=nope');
    expect(unknownQueue.status).toBe(400);
    expect(unknownQueue.body.errors[0].path).toBe('queue');

    const badSequence = await post('/admin/bus/dead-letters/resubmit', { address: { queue: 'agent-tasks' }, sequenceNumbers: ['12x'] });
    expect(badSequence.status).toBe(400);
    expect(badSequence.body.errors[0].path).toBe('sequenceNumbers.0');
    expect((await call('/admin/bus/dead-letters?queue=agent-tasks')).body.items).toHaveLength(2);

    const unknownSubscription = await call('/admin/bus/dead-letters?topic=agent.task-started.v1&subscription=nobody');
    expect(unknownSubscription.status).toBe(404);
    expect(unknownSubscription.body.code).toBe('NOT_FOUND');
  });

  it('lists, inspects and refuses to resubmit a dead letter whose body is not JSON, without a 500 and without locking the others', async () => {
    const garbage = Buffer.from('\u0000not json at all');
    await writeRawEmbeddedMessage(db.url, schema, defaultBusTopology, 'agent-tasks', { messageId: 'garbage', body: garbage });
    const consumer = bus.subscribe({ queue: 'agent-tasks' }, async () => {
      throw new Error('no handler may see this body');
    });
    await until(
      () => bus.peek({ queue: 'agent-tasks' }, { deadLetter: true }),
      (m) => m.some((d) => d.messageId === 'garbage'),
    );
    await consumer.close();

    const list = await call('/admin/bus/dead-letters?queue=agent-tasks');
    expect(list.status).toBe(200);
    const poison = list.body.items.find((d: { messageId: string }) => d.messageId === 'garbage');
    expect(poison).toMatchObject({ reason: 'BodyNotJson', bodyBytes: garbage.length, bodyProblem: { reason: 'BodyNotJson' } });

    const inspected = await call(`/admin/bus/dead-letters/${poison.sequenceNumber}?queue=agent-tasks`);
    expect(inspected.status).toBe(200);
    expect(inspected.body).not.toHaveProperty('body');
    expect(inspected.body.rawBody).toMatchObject({ bytes: garbage.length, base64: garbage.toString('base64'), truncated: false });

    const others = list.body.items.filter((d: { messageId: string }) => d.messageId !== 'garbage');
    const resubmit = await post('/admin/bus/dead-letters/resubmit', { address: { queue: 'agent-tasks' }, sequenceNumbers: [poison.sequenceNumber] });
    expect(resubmit.status).toBe(200);
    expect(resubmit.body).toMatchObject({
      resubmitted: [],
      notFound: [],
      notReached: [],
      refused: [{ sequenceNumber: poison.sequenceNumber, reason: 'BodyNotJson' }],
    });
    const after = (await call('/admin/bus/dead-letters?queue=agent-tasks')).body.items;
    expect(after).toEqual([...others, poison].sort((a, b) => Number(a.sequenceNumber) - Number(b.sequenceNumber)));
  });

  it('serves operators only: 401 without an identity, 403 for an analyst, and nothing is resubmitted', async () => {
    const before = (await call('/admin/bus/dead-letters?queue=agent-tasks')).body.items as Array<{ sequenceNumber: string }>;
    const anonymous = await fetch(`${base}/admin/bus/dead-letters?queue=agent-tasks`);
    expect([anonymous.status, ((await anonymous.json()) as { code: string }).code]).toEqual([401, 'UNAUTHENTICATED']);
    const analyst = identityHeaders({ roles: ['analyst'], clientIds: '*' });
    const denied = await fetch(`${base}/admin/bus/dead-letters/resubmit`, {
      method: 'POST',
      headers: { ...analyst, 'content-type': 'application/json' },
      body: JSON.stringify({ address: { queue: 'agent-tasks' }, sequenceNumbers: before.map((d) => d.sequenceNumber) }),
    });
    expect([denied.status, ((await denied.json()) as { code: string }).code]).toEqual([403, 'FORBIDDEN']);
    expect((await call('/admin/bus/dead-letters?queue=agent-tasks')).body.items).toEqual(before);
  });

  it("keeps a client-scoped operator to its clients: others' dead letters unlisted, 404 on inspect, untouched by resubmit", async () => {
    const beta = { ...task(9), clientId: 'beta-union' };
    await bus.send('agent-tasks', [{ body: beta }]);
    const consumer = bus.subscribe({ queue: 'agent-tasks' }, (m, context) => context.deadLetter({ reason: 'poison', description: 'bad' }));
    await until(
      () => bus.peek({ queue: 'agent-tasks' }, { deadLetter: true }),
      (m) => m.some((d) => (d.body as { taskId?: string } | undefined)?.taskId === beta.taskId),
    );
    await consumer.close();
    const all = (await call('/admin/bus/dead-letters?queue=agent-tasks')).body.items as Array<{ sequenceNumber: string; messageId: string }>;
    const scoped = identityHeaders({ subject: 'beta-ops', roles: ['operator'], clientIds: ['beta-union'] });
    const asBeta = async (path: string, init: RequestInit = {}) => {
      const res = await fetch(`${base}${path}`, { ...init, headers: { ...scoped, ...(init.headers as Record<string, string>) } });
      return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
    };
    const seen = (await asBeta('/admin/bus/dead-letters?queue=agent-tasks')).body.items as Array<{ sequenceNumber: string }>;
    expect(seen).toHaveLength(1);
    const betaLetter = (await asBeta(`/admin/bus/dead-letters/${seen[0].sequenceNumber}?queue=agent-tasks`)).body;
    expect(betaLetter.body).toEqual(beta);
    // acme-health's letters, and the undecodable one (no client), need a wider scope.
    const others = all.filter((d) => d.sequenceNumber !== seen[0].sequenceNumber);
    expect(others.length).toBeGreaterThanOrEqual(3);
    for (const other of others) expect((await asBeta(`/admin/bus/dead-letters/${other.sequenceNumber}?queue=agent-tasks`)).status).toBe(404);
    const resubmit = await asBeta('/admin/bus/dead-letters/resubmit', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ address: { queue: 'agent-tasks' }, sequenceNumbers: others.map((d) => d.sequenceNumber) }),
    });
    expect(resubmit.body).toMatchObject({ resubmitted: [], notFound: others.map((d) => d.sequenceNumber), notReached: [], refused: [] });
    expect((await call('/admin/bus/dead-letters?queue=agent-tasks')).body.items).toEqual(all);
  });
});
