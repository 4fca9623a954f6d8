import { createDataSource, postgresMigrations } from '@leaf/persistence';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import type { EntityName } from '@leaf/contracts';
import type { DataSource } from 'typeorm';
import { isMessagingError } from '../port/messaging.error';
import type { MessageBus } from '../port/message-bus.port';
import type { OutgoingMessage } from '../port/message';
import { createEmbeddedBus } from '../embedded/create-embedded-bus';
import { idempotentHandler } from '../inbox/idempotent-handler';
import { addToOutbox } from './outbox';
import { OutboxRelay } from './outbox-relay';
import { outboxMigrations } from './outbox-schema';

const event = (runId: string) => ({
  runId,
  clientId: 'city-of-riverton',
  periodId: 'city-of-riverton-py2025',
  shortfall: '1234.56',
  findingsArtifactSha256: null,
  completedAt: '2026-11-23T10:00:00.000Z',
});

/** Records what the relay sends; `failOn` makes the n-th send fail like an unreachable namespace. */
function recordingBus(failOn?: number) {
  const sent: Array<{ entity: EntityName; message: OutgoingMessage }> = [];
  let calls = 0;
  const bus = {
    async send(entity: EntityName, messages: OutgoingMessage | OutgoingMessage[]) {
      calls++;
      if (calls === failOn) throw new Error('namespace unreachable');
      for (const message of Array.isArray(messages) ? messages : [messages]) sent.push({ entity, message });
    },
  } as unknown as MessageBus;
  return { bus, sent };
}

describe.each(testDatabaseTargets())('outbox and inbox on $name', ({ create }) => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await create();
    ds = await createDataSource({ kind: 'postgres', url: db.url }, { migrations: [...postgresMigrations, ...outboxMigrations.postgres] }).initialize();
    await ds.runMigrations();
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });
  beforeEach(async () => {
    await ds.query('DELETE FROM outbox_messages');
    await ds.query('DELETE FROM inbox_messages');
  });

  const unsent = async () => Number((await ds.query('SELECT COUNT(*) AS n FROM outbox_messages WHERE sent_at IS NULL'))[0].n);

  it('commits the message with the state change, or neither', async () => {
    await ds.transaction((m) => addToOutbox(m, 'claims.reconciliation-completed.v1', { body: event('r-1'), messageId: 'm-1' }));
    await expect(
      ds.transaction(async (m) => {
        await addToOutbox(m, 'claims.reconciliation-completed.v1', { body: event('r-2'), messageId: 'm-2' });
        throw new Error('reconciliation failed after writing');
      }),
    ).rejects.toThrow('reconciliation failed');
    expect(await ds.query('SELECT message_id FROM outbox_messages')).toEqual([{ message_id: 'm-1' }]);
  });

  it('refuses a payload that breaks the contract and writes nothing', async () => {
    const bad = { ...event('r-3'), shortfall: 12.5 } as unknown as ReturnType<typeof event>;
    const error = await ds.transaction((m) => addToOutbox(m, 'claims.reconciliation-completed.v1', { body: bad })).catch((e: unknown) => e);
    expect(isMessagingError(error, 'MESSAGING_PAYLOAD_INVALID')).toBe(true);
    expect(String((error as Error).message)).toContain('shortfall');
    expect(await unsent()).toBe(0);
  });

  it('relays committed messages in order with their ids, once', async () => {
    for (const id of ['a', 'b', 'c'])
      await ds.transaction((m) => addToOutbox(m, 'claims.reconciliation-completed.v1', { body: event(id), messageId: `m-${id}`, correlationId: id }));
    const { bus, sent } = recordingBus();
    const relay = new OutboxRelay(ds, bus);
    expect(await relay.drain()).toBe(3);
    expect(await relay.drain()).toBe(0);
    expect(sent.map((s) => [s.entity, s.message.messageId, s.message.correlationId])).toEqual([
      ['claims.reconciliation-completed.v1', 'm-a', 'a'],
      ['claims.reconciliation-completed.v1', 'm-b', 'b'],
      ['claims.reconciliation-completed.v1', 'm-c', 'c'],
    ]);
    expect(sent[0].message.body).toEqual(event('a'));
  });

  it('keeps a message whose send failed, records why, and sends it on the next run', async () => {
    for (const id of ['a', 'b']) await ds.transaction((m) => addToOutbox(m, 'claims.reconciliation-completed.v1', { body: event(id), messageId: `m-${id}` }));
    const failing = recordingBus(2);
    await expect(new OutboxRelay(ds, failing.bus, { sendBatchSize: 1 }).drain()).rejects.toThrow('namespace unreachable');
    expect(failing.sent.map((s) => s.message.messageId)).toEqual(['m-a']);
    expect(await ds.query('SELECT message_id, attempts, last_error FROM outbox_messages WHERE sent_at IS NULL')).toEqual([
      { message_id: 'm-b', attempts: 1, last_error: 'namespace unreachable' },
    ]);
    const healthy = recordingBus();
    expect(await new OutboxRelay(ds, healthy.bus).drain()).toBe(1);
    expect(healthy.sent.map((s) => s.message.messageId)).toEqual(['m-b']);
  });

  it('sends consecutive messages for one entity as one batch, and keeps the whole batch when it fails', async () => {
    for (const id of ['a', 'b', 'c'])
      await ds.transaction((m) => addToOutbox(m, 'claims.reconciliation-completed.v1', { body: event(id), messageId: `m-batch-${id}` }));
    const failing = recordingBus(1);
    await expect(new OutboxRelay(ds, failing.bus).drain()).rejects.toThrow('namespace unreachable');
    expect(await ds.query(`SELECT message_id, attempts FROM outbox_messages WHERE sent_at IS NULL ORDER BY outbox_id`)).toEqual([
      { message_id: 'm-batch-a', attempts: 1 },
      { message_id: 'm-batch-b', attempts: 1 },
      { message_id: 'm-batch-c', attempts: 1 },
    ]);
    const healthy = recordingBus();
    let calls = 0;
    const counting = { send: (e: EntityName, m: OutgoingMessage[]) => (calls++, healthy.bus.send(e, m)) } as unknown as MessageBus;
    expect(await new OutboxRelay(ds, counting).drain()).toBe(3);
    expect(calls).toBe(1);
    expect(healthy.sent.map((s) => s.message.messageId)).toEqual(['m-batch-a', 'm-batch-b', 'm-batch-c']);
  });

  it('sends rows of two entities written in turn as one batch per entity, each in its own order, and a failing entity holds back only its own rows', async () => {
    const wakeUp = (i: number) => ({ taskId: `tsk_${i}`, kind: 'platform.noop', clientId: 'city-of-riverton', parameters: {}, requestedBy: 'spec' });
    for (const i of [1, 2, 3]) {
      await ds.transaction(async (m) => {
        await addToOutbox(m, 'agent-tasks', { body: wakeUp(i), messageId: `m-task-${i}` });
        await addToOutbox(m, 'claims.reconciliation-completed.v1', { body: event(`r-${i}`), messageId: `m-run-${i}` });
      });
    }
    const failing = { send: async (e: EntityName) => Promise.reject(new Error(`${e} unreachable`)) };
    const healthy = recordingBus();
    const calls: EntityName[] = [];
    const partly = {
      send: (e: EntityName, m: OutgoingMessage[]) => (calls.push(e), e === 'agent-tasks' ? failing.send(e) : healthy.bus.send(e, m)),
    } as unknown as MessageBus;
    await expect(new OutboxRelay(ds, partly).drain()).rejects.toThrow('agent-tasks unreachable');
    expect(calls).toEqual(['agent-tasks', 'claims.reconciliation-completed.v1']);
    expect(healthy.sent.map((x) => x.message.messageId)).toEqual(['m-run-1', 'm-run-2', 'm-run-3']);
    expect(
      (await ds.query(`SELECT message_id FROM outbox_messages WHERE sent_at IS NULL ORDER BY outbox_id`)).map((r: { message_id: string }) => r.message_id),
    ).toEqual(['m-task-1', 'm-task-2', 'm-task-3']);
    const later = recordingBus();
    calls.length = 0;
    const counting = { send: (e: EntityName, m: OutgoingMessage[]) => (calls.push(e), later.bus.send(e, m)) } as unknown as MessageBus;
    expect(await new OutboxRelay(ds, counting).drain()).toBe(3);
    expect(calls).toEqual(['agent-tasks']);
    expect(later.sent.map((x) => x.message.messageId)).toEqual(['m-task-1', 'm-task-2', 'm-task-3']);
  });

  it('dead-letters a row the bus can never take (over the namespace size) with its reason, and still sends the rows behind it, in order', async () => {
    const schema = `outbox_relay_${Date.now().toString(36)}`;
    const bus = await createEmbeddedBus({
      url: db.url,
      schema,
      poolSize: 2,
      topology: { subscriptions: [{ topic: 'claims.reconciliation-completed.v1', name: 'agent-dispatcher' }], maxMessageSizeBytes: 2_048 },
    });
    try {
      for (const id of ['a', 'b', 'c'])
        await ds.transaction((m) =>
          addToOutbox(m, 'claims.reconciliation-completed.v1', {
            body: event(id),
            messageId: `m-size-${id}`,
            // The contract bounds the body; a sender can still overfill the properties.
            ...(id === 'b' && { applicationProperties: { note: 'x'.repeat(4_000) } }),
          }),
        );
      const setAside: Array<{ messageId: string; reason: string }> = [];
      const relay = new OutboxRelay(ds, bus, { onDeadLettered: (row) => setAside.push(row) });
      expect(await relay.drain()).toBe(2);
      expect(await relay.drain()).toBe(0);
      expect(setAside.map((r) => r.messageId)).toEqual(['m-size-b']);
      const [row] = await ds.query(`SELECT dead_letter_reason, sent_at FROM outbox_messages WHERE message_id = 'm-size-b'`);
      expect(row.sent_at).toBeNull();
      expect(row.dead_letter_reason).toMatch(
        /^MESSAGE_SIZE_EXCEEDED: the message to claims\.reconciliation-completed\.v1 is \d+ bytes; the namespace allows 2048/,
      );
      const delivered = await bus.peek({ topic: 'claims.reconciliation-completed.v1', subscription: 'agent-dispatcher' });
      expect(delivered.map((m) => m.messageId)).toEqual(['m-size-a', 'm-size-c']);
    } finally {
      await bus.close();
      await ds.query(`DROP SCHEMA ${schema} CASCADE`);
    }
  });

  it('applies a redelivered message once', async () => {
    await ds.query('CREATE TABLE IF NOT EXISTS applied_runs (run_id VARCHAR(64) PRIMARY KEY, n INTEGER NOT NULL)');
    const handler = idempotentHandler(ds, 'agent-dispatcher', async (message, manager) => {
      await manager.query('INSERT INTO applied_runs (run_id, n) VALUES ($1, 1) ON CONFLICT (run_id) DO UPDATE SET n = applied_runs.n + 1', [
        (message.body as { runId: string }).runId,
      ]);
    });
    const message = {
      body: event('r-9'),
      messageId: 'm-9',
      applicationProperties: {},
      sequenceNumber: 1n,
      deliveryCount: 1,
      enqueuedAt: new Date(),
      state: 'active' as const,
    };
    const context = {} as Parameters<typeof handler>[1];
    await handler(message, context);
    await handler({ ...message, deliveryCount: 2 }, context);
    expect(await ds.query(`SELECT n FROM applied_runs WHERE run_id = 'r-9'`)).toEqual([{ n: 1 }]);
  });

  it('records nothing when the handler fails, so the retry applies it', async () => {
    let fail = true;
    const handler = idempotentHandler(ds, 'claims-runtime', async () => {
      if (fail) throw new Error('transient');
    });
    const message = {
      body: {},
      messageId: 'm-10',
      applicationProperties: {},
      sequenceNumber: 2n,
      deliveryCount: 1,
      enqueuedAt: new Date(),
      state: 'active' as const,
    };
    const context = {} as Parameters<typeof handler>[1];
    await expect(handler(message, context)).rejects.toThrow('transient');
    expect(await ds.query(`SELECT COUNT(*)::int AS n FROM inbox_messages WHERE message_id = 'm-10'`)).toEqual([{ n: 0 }]);
    fail = false;
    await handler(message, context);
    expect(await ds.query(`SELECT COUNT(*)::int AS n FROM inbox_messages WHERE message_id = 'm-10'`)).toEqual([{ n: 1 }]);
  });
});
