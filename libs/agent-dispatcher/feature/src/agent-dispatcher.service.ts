import { defineService } from '@leaf/service-kit';
import { outboxMigrations } from '@leaf/messaging';
import { TaskKindRegistry, taskLedgerMigrations } from '@leaf/task-ledger';
import { agentDispatcherConfigSchema, type AgentDispatcherConfig } from './agent-dispatcher.config';
import { DispatcherRuntime } from './runtime/dispatcher.runtime';
import { TaskNotifier } from './runtime/task-notifier';
import { TaskEventsHandlers } from './events/task-events.handlers';
import { TasksController } from './tasks/tasks.controller';
import { TasksService } from './tasks/tasks.service';
import { TaskArtifactsController } from './tasks/task-artifacts.controller';
import { AGENT_DISPATCHER_CONFIG_TOKEN, TASK_KINDS } from './tasks/tasks.tokens';

/**
 * agent-dispatcher: the task ledger and its API, policy gates, dispatch onto agent-tasks through
 * the outbox, and the watchdog that re-dispatches tasks whose worker vanished.
 */
export const agentDispatcherService = defineService<AgentDispatcherConfig>(
  'agent-dispatcher',
  (config) => ({
    controllers: [TasksController, TaskArtifactsController, TaskEventsHandlers],
    providers: [
      { provide: AGENT_DISPATCHER_CONFIG_TOKEN, useValue: config },
      { provide: TASK_KINDS, useValue: new TaskKindRegistry() },
      TaskNotifier,
      DispatcherRuntime,
      TasksService,
    ],
  }),
  { migrations: [...outboxMigrations.postgres, ...taskLedgerMigrations.postgres], configSchema: agentDispatcherConfigSchema },
);
