import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, EventPattern, Payload, type MicroserviceOptions } from '@nestjs/microservices';
import type { INestMicroservice } from '@nestjs/common';
import type { EntityPayload } from '@leaf/contracts';
import { createPgliteTestDatabase, type TestDatabase } from '@leaf/persistence/testing';
import { createEmbeddedBus } from '../embedded/create-embedded-bus';
import type { EmbeddedBus } from '../embedded/embedded-bus';
import { resubmittedForProperty } from '../admin/dead-letter-admin';
import { isMessagingError } from '../port/messaging.error';
import { BusClient } from './bus.client';
import { BusContext } from './bus.context';
import { addressForPattern, BusTransport } from './bus.transport';

type Task = EntityPayload<'agent-tasks'>;
type Completed = EntityPayload<'claims.reconciliation-completed.v1'>;

const seen: string[] = [];
let failuresLeft = 0;
let arrived: () => void = () => undefined;

@Controller()
class DispatcherHandlers {
  @EventPattern('agent-tasks')
  async onTask(@Payload() task: Task, @Ctx() ctx: BusContext) {
    if (task.kind === 'always-fails' || failuresLeft-- > 0) {
      arrived();
      throw new Error(`task ${task.taskId} failed (delivery ${ctx.getMessage().deliveryCount})`);
    }
    seen.push(`task:${task.taskId}:${ctx.getMessage().deliveryCount}`);
    arrived();
  }

  @EventPattern('claims.reconciliation-completed.v1')
  async onReconciled(@Payload() event: Completed) {
    seen.push(`reconciled:${event.runId}:${event.shortfall}`);
    arrived();
  }
}

@Module({ controllers: [DispatcherHandlers] })
class DispatcherModule {}

const task = (taskId: string, kind = 'claims.reconcile'): Task => ({ taskId, kind, clientId: 'city-of-riverton', parameters: {}, requestedBy: 'analyst@leaf' });

describe('BusTransport (Nest @EventPattern over the embedded bus)', () => {
  let db: TestDatabase;
  let bus: EmbeddedBus;
  let app: INestMicroservice;
  let client: BusClient;

  const waitFor = async (predicate: () => boolean, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out; seen: ${seen.join(', ')}`);
      await new Promise<void>((resolve) => {
        arrived = resolve;
        setTimeout(resolve, 100);
      });
    }
  };

  beforeAll(async () => {
    db = await createPgliteTestDatabase();
    bus = await createEmbeddedBus({
      url: db.url,
      schema: 'nest_transport_spec',
      pollIntervalMs: 100,
      topology: {
        queues: { 'agent-tasks': { lockDurationMs: 2_000, maxDeliveryCount: 3 } },
        subscriptions: [{ topic: 'claims.reconciliation-completed.v1', name: 'agent-dispatcher' }],
      },
    });
    app = await NestFactory.createMicroservice<MicroserviceOptions>(DispatcherModule, {
      strategy: new BusTransport({ bus, consumer: 'agent-dispatcher' }),
      logger: false,
    });
    await app.listen();
    client = new BusClient(bus);
  });
  afterAll(async () => {
    await app?.close();
    await bus?.close();
    await db?.drop();
  });

  it('delivers typed payloads from a queue and from the consumer subscription of a topic', async () => {
    await client.emit('agent-tasks', task('t-1')).toPromise();
    await client
      .emit('claims.reconciliation-completed.v1', {
        runId: 'r-1',
        clientId: 'city-of-riverton',
        periodId: 'p',
        shortfall: '42.00',
        findingsArtifactSha256: null,
        completedAt: '2026-11-23T10:00:00.000Z',
      })
      .toPromise();
    await waitFor(() => seen.includes('task:t-1:1') && seen.includes('reconciled:r-1:42.00'));
  });

  it('retries a failing handler and completes when it recovers', async () => {
    failuresLeft = 1;
    await client.emit('agent-tasks', task('t-2')).toPromise();
    await waitFor(() => seen.includes('task:t-2:2'));
  });

  it('dead-letters a message whose handler keeps failing after max deliveries', async () => {
    await client.emit('agent-tasks', task('t-3', 'always-fails')).toPromise();
    let dead = await bus.peek({ queue: 'agent-tasks' }, { deadLetter: true });
    for (let i = 0; i < 200 && dead.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      dead = await bus.peek({ queue: 'agent-tasks' }, { deadLetter: true });
    }
    expect(dead[0]).toMatchObject({ deadLetterReason: 'MaxDeliveryCountExceeded', deliveryCount: 3 });
    expect((dead[0].body as Task).taskId).toBe('t-3');
  });

  it('completes unhandled a resubmitted copy meant for another subscription of the topic, and handles one meant for it', async () => {
    const event = (runId: string) => ({
      runId,
      clientId: 'city-of-riverton',
      periodId: 'p',
      shortfall: '1.00',
      findingsArtifactSha256: null,
      completedAt: '2026-11-23T10:00:00.000Z',
    });
    await bus.send('claims.reconciliation-completed.v1', { body: event('r-other'), applicationProperties: { [resubmittedForProperty]: 'salesforce-mirror' } });
    await bus.send('claims.reconciliation-completed.v1', { body: event('r-mine'), applicationProperties: { [resubmittedForProperty]: 'agent-dispatcher' } });
    await waitFor(() => seen.includes('reconciled:r-mine:1.00'));
    // Sent first, settled by now: completed without reaching the handler, not retried or dead-lettered.
    expect(seen).not.toContain('reconciled:r-other:1.00');
    expect(await bus.peek({ topic: 'claims.reconciliation-completed.v1', subscription: 'agent-dispatcher' }, { deadLetter: true })).toEqual([]);
  });

  it('refuses a pattern that is not a declared topic subscription of the consumer', () => {
    expect(() => addressForPattern('contracts.packet-promoted.v1', 'agent-dispatcher')).toThrow(/no declared subscription/);
    const error = (() => {
      try {
        addressForPattern('nope.v1', 'x');
      } catch (e) {
        return e;
      }
    })();
    expect(isMessagingError(error, 'MESSAGING_ENTITY_UNKNOWN')).toBe(true);
  });
});
