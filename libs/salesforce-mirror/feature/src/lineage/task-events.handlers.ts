import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { EntityPayload } from '@leaf/contracts';
import { SalesforceSyncService } from '../sync/salesforce-sync.service';

type TaskEvent = EntityPayload<'agent.task-started.v1'>;

/**
 * Task events are wake-ups: a task started, finished or failed, so the work behind a request (its
 * status, runs and deliverables in the ledger) may have changed. Lineage is read again from the
 * ledger, which is the truth; a refresh that throws abandons the message for a retry.
 */
@Controller()
export class LineageEventsHandlers {
  constructor(private readonly sync: SalesforceSyncService) {}

  @EventPattern('agent.task-started.v1')
  async started(@Payload() _event: TaskEvent): Promise<void> {
    await this.sync.refreshLineage();
  }

  @EventPattern('agent.task-succeeded.v1')
  async succeeded(@Payload() _event: TaskEvent): Promise<void> {
    await this.sync.refreshLineage();
  }

  @EventPattern('agent.task-failed.v1')
  async failed(@Payload() _event: TaskEvent): Promise<void> {
    await this.sync.refreshLineage();
  }
}
