import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { EntityPayload } from '@leaf/contracts';
import { BusContext, idempotentHandler } from '@leaf/messaging';
import { DATA_SOURCE } from '@leaf/persistence';
import { recordRunOutcome } from '@leaf/task-ledger';
import type { DataSource } from 'typeorm';
import { TaskNotifier } from '../runtime/task-notifier';

type TaskEvent = EntityPayload<'agent.task-started.v1'>;

/**
 * What the dispatcher hears on the bus. Payloads arrive checked against their contract (a body
 * that breaks it is dead-lettered by the transport, never completed); a handler that throws
 * abandons the message for a retry.
 */
@Controller()
export class TaskEventsHandlers {
  constructor(
    @Inject(DATA_SOURCE) private readonly ds: DataSource,
    private readonly notifier: TaskNotifier,
  ) {}

  // The ledger already holds what a worker did; these events only wake the task's progress streams.
  @EventPattern('agent.task-started.v1')
  started(@Payload() event: TaskEvent): void {
    this.notifier.notify(event.taskId);
  }

  @EventPattern('agent.task-succeeded.v1')
  succeeded(@Payload() event: TaskEvent): void {
    this.notifier.notify(event.taskId);
  }

  @EventPattern('agent.task-failed.v1')
  failed(@Payload() event: TaskEvent): void {
    this.notifier.notify(event.taskId);
  }

  /** The run's outcome goes on the task waiting for it, once per message (inbox in the same transaction). */
  @EventPattern('claims.reconciliation-completed.v1')
  async reconciliationCompleted(@Payload() event: EntityPayload<'claims.reconciliation-completed.v1'>, @Ctx() ctx: BusContext): Promise<void> {
    let woken: string[] = [];
    await idempotentHandler(this.ds, 'agent-dispatcher', async (_message, manager) => {
      woken = await recordRunOutcome(manager, event);
    })(ctx.getMessage(), ctx.getSettlement());
    for (const taskId of woken) this.notifier.notify(taskId);
  }
}
