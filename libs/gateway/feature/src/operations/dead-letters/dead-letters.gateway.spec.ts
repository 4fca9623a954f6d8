import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServiceBusClient } from '@azure/service-bus';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DeadLetterBatchResult, DeadLetterList, EntityPayload, Role } from '@leaf/contracts';
import { createAzureServiceBus, resubmittedFromProperty, type MessageBus, type ReceivedMessage } from '@leaf/messaging';
import { createDataSource, runMigrations } from '@leaf/persistence';
import { createPgliteTestDatabase, type TestDatabase } from '@leaf/persistence/testing';
import { loadServiceConfig, startServiceApp } from '@leaf/platform';
import { captureLogger } from '@leaf/platform/testing';
import { startServiceBusBroker, type ServiceBusBroker } from '@leaf/testing';
import { loadOrCreateDevIssuerKeys, mintDevToken } from '../../auth/dev-issuer';
import { gatewayService } from '../../gateway.service';
import { gatewayMigrations } from '../../idempotency/idempotency-schema';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms: ${JSON.stringify(last)}`);
    await sleep(50);
    last = await read();
  }
  return last;
}

// What must never come back out of a listing, planted in the poisoned message's parameters.
const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg';
const presigned = 'https://leaflake.blob.core.windows.net/packets/p.pdf?sv=2024-05-04&se=2026-12-01&sp=r&sig=AbCdEf0123456789%2Bsecret%3D';
const task = (taskId: string, clientId: string, parameters: Record<string, unknown> = {}): EntityPayload<'agent-tasks'> => ({
  taskId,
  kind: 'platform.noop',
  clientId,
  parameters,
  requestedBy: 'dead-letter-spec',
});

/**
 * Dead-letter administration through a real gateway running on the Azure adapter (the real
 * @azure/service-bus SDK) against the workspace's AMQP test broker: a message its consumer cannot
 * handle lands in the DLQ with the reason, is listed with a scrubbed preview, is resubmitted once
 * the consumer is fixed, is processed, and is gone from the DLQ. Operators only, within their
 * client scope; writes are idempotent with Idempotency-Key and audited.
 */
describe('gateway: dead-letter administration on Azure Service Bus (real SDK, AMQP test broker)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leaf-gateway-dlq-'));
  const capture = captureLogger('gateway');
  let broker: ServiceBusBroker;
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let base: string;
  let bus: MessageBus;

  const bearer = async (role: Role, clients: string[] | '*', subject = `${role}-user`) => ({
    authorization: `Bearer ${await mintDevToken(loadOrCreateDevIssuerKeys(join(dir, 'dev-issuer')), { subject, roles: [role], clients })}`,
  });
  const get = async <T>(path: string, headers: Record<string, string>) => {
    const res = await fetch(`${base}${path}`, { headers });
    return { status: res.status, body: (await res.json()) as T };
  };
  const post = async <T>(path: string, headers: Record<string, string>, body: unknown) => {
    const res = await fetch(`${base}${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.status, replayed: res.headers.get('idempotent-replayed'), body: (await res.json()) as T & { code?: string; detail?: string } };
  };
  const audit = () =>
    capture
      .lines()
      .map((l) => String(l['msg'] ?? l['message'] ?? ''))
      .filter((m) => m.startsWith('dead-letter '));

  beforeAll(async () => {
    broker = await startServiceBusBroker();
    db = await createPgliteTestDatabase();
    const ds = await createDataSource({ kind: 'postgres', url: db.url }, { migrations: [...gatewayMigrations.postgres] }).initialize();
    await runMigrations(ds);
    await ds.destroy();
    const config = loadServiceConfig(gatewayService, {
      LEAF_DATABASE_URL: db.url,
      LEAF_LAKE_URL: `file:${join(dir, 'lake')}`,
      PORT: '0',
      LEAF_DEV_ISSUER_DIR: join(dir, 'dev-issuer'),
      LEAF_BUS: 'azure',
      LEAF_SERVICE_BUS_CONNECTION_STRING: broker.connectionString,
    });
    app = await startServiceApp(gatewayService, config, capture.logger);
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    bus = createAzureServiceBus(
      { connectionString: broker.connectionString },
      { client: { retryOptions: { maxRetries: 1, retryDelayInMs: 50, timeoutInMs: 5_000 } } },
    );
  }, 60_000);
  afterAll(async () => {
    await bus?.close();
    await app?.close();
    await broker?.stop();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists a poisoned message with its reason and a scrubbed preview, resubmits it after the fix, and it is processed and gone from the DLQ', async () => {
    const operator = await bearer('operator', '*', 'olivia@ops');
    const poisoned = task('tsk_dlq_poisoned', 'client-a', {
      periodId: 'p-2025',
      authorization: `Bearer ${jwt}`,
      packetUrl: presigned,
      note: `see ${presigned}`,
    });
    await bus.send('agent-tasks', { body: poisoned, messageId: 'msg-poisoned', subject: 'platform.noop' });

    // The consumer has a bug: it throws on every delivery, so the bus dead-letters the message after its attempts.
    let fixed = false;
    const processed: ReceivedMessage[] = [];
    const consumer = bus.subscribe({ queue: 'agent-tasks' }, async (m) => {
      if (!fixed) throw new Error('the handler cannot read periodId yet');
      processed.push(m);
    });
    const listing = await eventually(
      () => get<DeadLetterList>('/v1/operations/dead-letters?queue=agent-tasks', operator),
      (l) => l.body.items?.length === 1,
    );
    expect(listing.status).toBe(200);
    const [dead] = listing.body.items;
    expect(listing.body).toMatchObject({ entity: 'agent-tasks', subscription: null, nextFromSequenceNumber: null });
    expect(dead).toMatchObject({
      messageId: 'msg-poisoned',
      subject: 'platform.noop',
      clientId: 'client-a',
      reason: 'MaxDeliveryCountExceeded',
      bodyProblem: null,
      bodyPreviewTruncated: false,
    });
    // Delivered again and again before the bus gave up on it (the count as the adapter reports it).
    expect(dead.deliveryCount).toBeGreaterThan(1);
    expect(Date.parse(dead.enqueuedAt)).toBeGreaterThan(Date.now() - 60_000);
    // Never a token or a pre-signed URL: the listing as a whole, not only the preview.
    const raw = JSON.stringify(listing.body);
    expect(raw).not.toContain(jwt);
    expect(raw).not.toContain('sig=');
    expect(raw).not.toContain('blob.core.windows.net');
    expect(dead.bodyPreview).toContain('tsk_dlq_poisoned');
    expect(dead.bodyPreview).toContain('p-2025');

    // Analysts never reach it; an operator of another client does not see it.
    expect((await get('/v1/operations/dead-letters?queue=agent-tasks', await bearer('analyst', '*'))).status).toBe(403);
    expect((await get<DeadLetterList>('/v1/operations/dead-letters?queue=agent-tasks', await bearer('operator', ['client-b']))).body.items).toEqual([]);
    const otherOperator = await bearer('operator', ['client-b'], 'bob@ops');
    expect((await post(`/v1/operations/dead-letters/${dead.sequenceNumber}/resubmit`, otherOperator, { queue: 'agent-tasks' })).status).toBe(404);
    expect((await post(`/v1/operations/dead-letters/${dead.sequenceNumber}/purge`, otherOperator, { queue: 'agent-tasks' })).status).toBe(404);

    // The fix ships; the operator resubmits. A retry with the same Idempotency-Key gets the same answer and sends nothing more.
    fixed = true;
    const key = { ...operator, 'idempotency-key': 'dlq-resubmit-0001' };
    const first = await post<{ messageId: string; originalMessageId: string }>(`/v1/operations/dead-letters/${dead.sequenceNumber}/resubmit`, key, {
      queue: 'agent-tasks',
    });
    expect(first).toMatchObject({
      status: 200,
      replayed: null,
      body: { sequenceNumber: dead.sequenceNumber, originalMessageId: 'msg-poisoned', deliveredTo: null },
    });
    const retry = await post(`/v1/operations/dead-letters/${dead.sequenceNumber}/resubmit`, key, { queue: 'agent-tasks' });
    expect(retry).toMatchObject({ status: 200, replayed: 'true', body: first.body });

    await eventually(
      async () => processed.length,
      (n) => n >= 1,
    );
    expect(processed[0]).toMatchObject({ messageId: first.body.messageId, body: poisoned });
    expect(processed[0].applicationProperties[resubmittedFromProperty]).toBe('msg-poisoned');
    expect((await get<DeadLetterList>('/v1/operations/dead-letters?queue=agent-tasks', operator)).body.items).toEqual([]);
    // Without the key, a second resubmit finds nothing to resubmit.
    expect(await post(`/v1/operations/dead-letters/${dead.sequenceNumber}/resubmit`, operator, { queue: 'agent-tasks' })).toMatchObject({
      status: 404,
      body: { code: 'NOT_FOUND' },
    });
    await sleep(300);
    await consumer.close();
    expect(processed).toHaveLength(1);

    expect(audit()).toEqual([
      expect.stringMatching(/^dead-letter resubmit requestId=\S+ subject="bob@ops" issuer=dev queue=agent-tasks sequenceNumbers=\[\d+\] outcome=not-found$/),
      expect.stringMatching(/^dead-letter purge requestId=\S+ subject="bob@ops" issuer=dev queue=agent-tasks sequenceNumbers=\[\d+\] outcome=not-found$/),
      expect.stringMatching(
        /^dead-letter resubmit requestId=\S+ subject="olivia@ops" issuer=dev queue=agent-tasks sequenceNumbers=\[\d+\] outcome=resubmitted$/,
      ),
      expect.stringMatching(/^dead-letter resubmit requestId=\S+ subject="olivia@ops" .* outcome=not-found$/),
    ]);
  }, 90_000);

  it('resubmits a batch from a subscription through its topic, refuses a body that can never be handled, and purges that one', async () => {
    const operator = await bearer('operator', '*', 'olivia@ops');
    const address = { topic: 'agent.task-failed.v1', subscription: 'agent-dispatcher' } as const;
    const event = (n: number): EntityPayload<'agent.task-failed.v1'> => ({
      taskId: `tsk_dlq_${n}`,
      kind: 'platform.noop',
      clientId: 'client-a',
      attempt: 1,
      at: new Date().toISOString(),
    });
    await bus.send('agent.task-failed.v1', [{ body: event(1) }, { body: event(2) }]);
    // A body that is not JSON, sent with the SDK itself (the port never sends one): the bus dead-letters it as BodyNotJson.
    const client = new ServiceBusClient(broker.connectionString);
    const sender = client.createSender('agent.task-failed.v1');
    await sender.sendMessages({ body: Buffer.from(`not json: Bearer ${jwt}`), messageId: 'msg-not-json', contentType: 'application/octet-stream' });
    await sender.close();
    await client.close();
    const consumer = bus.subscribe(address, async (_m, settle) =>
      settle.deadLetter({ reason: 'DownstreamRejected', description: 'the ledger refused the event' }),
    );
    const listing = await eventually(
      () => get<DeadLetterList>(`/v1/operations/dead-letters?topic=${address.topic}&subscription=${address.subscription}`, operator),
      (l) => l.body.items?.length === 3,
    );
    await consumer.close();
    const byId = new Map(listing.body.items.map((i) => [i.messageId, i]));
    const poison = byId.get('msg-not-json');
    expect(poison).toMatchObject({ reason: 'BodyNotJson', clientId: null, bodyProblem: { reason: 'BodyNotJson' } });
    expect(poison?.bodyPreview).toContain('not json: Bearer [REDACTED]');
    const sound = listing.body.items.filter((i) => i.messageId !== 'msg-not-json');
    expect(sound.map((i) => i.reason)).toEqual(['DownstreamRejected', 'DownstreamRejected']);

    // Paging: one at a time, following nextFromSequenceNumber.
    const page1 = await get<DeadLetterList>(`/v1/operations/dead-letters?topic=${address.topic}&subscription=${address.subscription}&maxCount=1`, operator);
    expect(page1.body.items).toEqual([listing.body.items[0]]);
    const page2 = await get<DeadLetterList>(
      `/v1/operations/dead-letters?topic=${address.topic}&subscription=${address.subscription}&maxCount=1&fromSequenceNumber=${page1.body.nextFromSequenceNumber}`,
      operator,
    );
    expect(page2.body.items).toEqual([listing.body.items[1]]);

    const batch = await post<DeadLetterBatchResult>('/v1/operations/dead-letters/resubmit', operator, {
      ...address,
      sequenceNumbers: [...listing.body.items.map((i) => i.sequenceNumber), '999999'],
    });
    expect(batch.status).toBe(200);
    // The topic has a second subscriber (salesforce-mirror's lineage): the copy reaches it too, and its transport completes it unhandled.
    expect(batch.body.resubmitted.map((r) => [r.originalMessageId, r.deliveredTo])).toEqual(
      sound.map((i) => [i.messageId, ['agent-dispatcher', 'salesforce-mirror']]),
    );
    expect(batch.body.notFound).toEqual(['999999']);
    expect(batch.body.refused).toEqual([{ sequenceNumber: poison?.sequenceNumber, reason: 'BodyNotJson', description: expect.any(String) }]);
    // One at a time, the refusal is a 409 that says what to do.
    expect(await post(`/v1/operations/dead-letters/${poison?.sequenceNumber}/resubmit`, operator, address)).toMatchObject({
      status: 409,
      body: { code: 'CONFLICT', detail: expect.stringContaining('purge it') },
    });
    const copies = await eventually(
      () => bus.peek(address),
      (m) => m.length === 2,
    );
    expect(copies.map((m) => (m.body as { taskId: string }).taskId)).toEqual(['tsk_dlq_1', 'tsk_dlq_2']);

    const purged = await post(`/v1/operations/dead-letters/${poison?.sequenceNumber}/purge`, { ...operator, 'idempotency-key': 'dlq-purge-0001' }, address);
    expect(purged).toMatchObject({ status: 200, body: { sequenceNumber: poison?.sequenceNumber, messageId: 'msg-not-json', purged: true } });
    expect(
      await post(`/v1/operations/dead-letters/${poison?.sequenceNumber}/purge`, { ...operator, 'idempotency-key': 'dlq-purge-0001' }, address),
    ).toMatchObject({
      status: 200,
      replayed: 'true',
    });
    expect(await post(`/v1/operations/dead-letters/${poison?.sequenceNumber}/purge`, operator, address)).toMatchObject({ status: 404 });
    expect((await get<DeadLetterList>(`/v1/operations/dead-letters?topic=${address.topic}&subscription=${address.subscription}`, operator)).body.items).toEqual(
      [],
    );
    expect(audit().slice(-4)).toEqual([
      expect.stringMatching(
        /^dead-letter resubmit .* topic=agent\.task-failed\.v1 subscription=agent-dispatcher sequenceNumbers=\[\d+,\d+,\d+,999999\] resubmitted=\[\d+,\d+\] notFound=\[999999\] notReached=\[\] refused=\[\d+\]$/,
      ),
      expect.stringMatching(/^dead-letter resubmit .* outcome=refused:BodyNotJson$/),
      expect.stringMatching(/^dead-letter purge .* outcome=purged$/),
      expect.stringMatching(/^dead-letter purge .* outcome=not-found$/),
    ]);
  }, 90_000);

  it('refuses bad addresses and sequence numbers with 400 problem+json', async () => {
    const operator = await bearer('operator', '*');
    for (const query of [
      '',
      '?queue=nope',
      '?topic=agent.task-failed.v1',
      '?topic=agent.task-failed.v1&subscription=not-declared',
      '?queue=agent-tasks&maxCount=0',
    ]) {
      const res = await fetch(`${base}/v1/operations/dead-letters${query}`, { headers: operator });
      expect([query, res.status, res.headers.get('content-type')]).toEqual([query, 400, expect.stringContaining('application/problem+json')]);
    }
    expect((await post('/v1/operations/dead-letters/12x/resubmit', operator, { queue: 'agent-tasks' })).status).toBe(400);
    expect((await post('/v1/operations/dead-letters/12/purge', operator, {})).status).toBe(400);
    expect((await post('/v1/operations/dead-letters/resubmit', operator, { queue: 'agent-tasks', sequenceNumbers: [] })).status).toBe(400);
    expect((await fetch(`${base}/v1/operations/dead-letters?queue=agent-tasks`)).status).toBe(401);
  });
});
