import type { z } from 'zod';
import { agentTaskV1, packetPromotedV1, reconciliationCompletedV1, requestChangedV1, taskEventV1 } from './event-payloads';
import { searchDocumentV1 } from '../search/search-document';
import { domoComparisonCompletedV1 } from '../api/domo-takeover.api';

/**
 * Every topic, declared once: `<domain>.<event>.v<N>` with its payload schema. A breaking change
 * is a new version, never an edit of a published one.
 */
export const topicCatalogue = {
  'claims.reconciliation-completed.v1': reconciliationCompletedV1,
  'contracts.packet-promoted.v1': packetPromotedV1,
  'contracts.search-documents.v1': searchDocumentV1,
  'salesforce.request-changed.v1': requestChangedV1,
  'salesforce.search-documents.v1': searchDocumentV1,
  'claims.search-documents.v1': searchDocumentV1,
  'agent.task-started.v1': taskEventV1,
  'agent.task-succeeded.v1': taskEventV1,
  'agent.task-failed.v1': taskEventV1,
  'domo.comparison-completed.v1': domoComparisonCompletedV1,
} as const satisfies Record<string, z.ZodType>;

export const queueCatalogue = {
  'agent-tasks': agentTaskV1,
  // The long lane: one KEDA Job per message, so a long task is never cut by a scale-in.
  'agent-tasks-long': agentTaskV1,
} as const satisfies Record<string, z.ZodType>;

export type TopicName = keyof typeof topicCatalogue;
export type QueueName = keyof typeof queueCatalogue;
/** Anything a message is sent to. */
export type EntityName = TopicName | QueueName;

/** Compile-time map from entity to payload: sending the wrong payload is a type error. */
export type EntityPayload<E extends EntityName> = E extends TopicName
  ? z.infer<(typeof topicCatalogue)[E]>
  : E extends QueueName
    ? z.infer<(typeof queueCatalogue)[E]>
    : never;

/** Matches Service Bus correlation filters: every given property must be equal. */
export interface CorrelationFilter {
  correlationId?: string;
  subject?: string;
  sessionId?: string;
  applicationProperties?: Record<string, string | number | boolean>;
}

/** Per-entity settings, identical in Azure (provisioned) and in the embedded adapter. */
export interface EntitySettings {
  lockDurationMs: number;
  maxDeliveryCount: number;
  /** Duplicate detection by messageId within this window. */
  duplicateDetectionWindowMs: number;
  /** Every message must carry a session id; a session is delivered in order, to one receiver at a time. */
  requiresSession: boolean;
  /** A message expires this long after it is enqueued (a sender may ask for less, never more) and is never delivered after. */
  defaultMessageTimeToLiveMs: number;
  /** An expired message goes to the dead-letter queue (reason `TTLExpiredException`) instead of being dropped. */
  deadLetteringOnMessageExpiration: boolean;
}

const day = 24 * 60 * 60_000;

export const defaultEntitySettings: EntitySettings = {
  lockDurationMs: 30_000,
  maxDeliveryCount: 10,
  duplicateDetectionWindowMs: 10 * 60_000,
  requiresSession: false,
  // Two weeks covers any outage worth waiting out; what expires stays visible in the dead-letter queue.
  defaultMessageTimeToLiveMs: 14 * day,
  deadLetteringOnMessageExpiration: true,
};

export const queueSettings: Record<QueueName, EntitySettings> = {
  // Long tasks renew their lock; KEDA scales lane-worker on this queue's depth. A task's truth is
  // the ledger and the watchdog re-dispatches a task whose wake-up was not taken, so a wake-up
  // older than a day is only evidence of an outage: kept in the dead-letter queue, not delivered.
  'agent-tasks': { ...defaultEntitySettings, lockDurationMs: 60_000, maxDeliveryCount: 5, defaultMessageTimeToLiveMs: 1 * day },
  // A Job takes its one message and the lock is renewed while the task runs (Service Bus allows
  // at most five minutes per lock); fewer deliveries, since each one starts a Job.
  'agent-tasks-long': { ...defaultEntitySettings, lockDurationMs: 300_000, maxDeliveryCount: 3, defaultMessageTimeToLiveMs: 1 * day },
};

/** The queue each task lane is dispatched on (a kind's lane is declared with the kind). */
export const laneQueues = { short: 'agent-tasks', long: 'agent-tasks-long' } as const satisfies Record<'short' | 'long', QueueName>;
export type LaneQueueName = (typeof laneQueues)[keyof typeof laneQueues];

export type TopicSettings = Pick<EntitySettings, 'defaultMessageTimeToLiveMs' | 'deadLetteringOnMessageExpiration'>;

/**
 * Time-to-live per topic, chosen for what its events are worth late. A topic's subscriptions
 * inherit both settings unless their declaration overrides them.
 */
export const topicSettings: Record<TopicName, TopicSettings> = {
  // Facts other services act on (supersession, task outcomes): never silently lost.
  'claims.reconciliation-completed.v1': { defaultMessageTimeToLiveMs: 14 * day, deadLetteringOnMessageExpiration: true },
  'contracts.packet-promoted.v1': { defaultMessageTimeToLiveMs: 14 * day, deadLetteringOnMessageExpiration: true },
  'salesforce.request-changed.v1': { defaultMessageTimeToLiveMs: 14 * day, deadLetteringOnMessageExpiration: true },
  // An index update that expired must be re-sent: kept where an operator sees it.
  'contracts.search-documents.v1': { defaultMessageTimeToLiveMs: 7 * day, deadLetteringOnMessageExpiration: true },
  'salesforce.search-documents.v1': { defaultMessageTimeToLiveMs: 7 * day, deadLetteringOnMessageExpiration: true },
  'claims.search-documents.v1': { defaultMessageTimeToLiveMs: 7 * day, deadLetteringOnMessageExpiration: true },
  // Progress wake-ups for waiting streams; the ledger holds the truth, so an hour-old one is noise: dropped.
  'agent.task-started.v1': { defaultMessageTimeToLiveMs: 60 * 60_000, deadLetteringOnMessageExpiration: false },
  'agent.task-succeeded.v1': { defaultMessageTimeToLiveMs: 60 * 60_000, deadLetteringOnMessageExpiration: false },
  'agent.task-failed.v1': { defaultMessageTimeToLiveMs: 60 * 60_000, deadLetteringOnMessageExpiration: false },
  // Evidence that a takeover comparison exists; no consumer yet (a subscription nobody reads fills up).
  'domo.comparison-completed.v1': { defaultMessageTimeToLiveMs: 14 * day, deadLetteringOnMessageExpiration: true },
};

/** One subscription per consumer on each topic it reads. */
export interface SubscriptionDeclaration {
  topic: TopicName;
  /** The consuming service: the subscription's name. */
  name: string;
  filter?: CorrelationFilter;
  settings?: Partial<EntitySettings>;
}

export const subscriptionCatalogue: readonly SubscriptionDeclaration[] = [
  { topic: 'contracts.packet-promoted.v1', name: 'claims-runtime' },
  // retrieval drains every search-document topic (SearchDocumentsHandlers): incremental indexing.
  { topic: 'contracts.search-documents.v1', name: 'retrieval' },
  { topic: 'salesforce.search-documents.v1', name: 'retrieval' },
  { topic: 'claims.search-documents.v1', name: 'retrieval' },
  { topic: 'claims.reconciliation-completed.v1', name: 'agent-dispatcher' },
  { topic: 'agent.task-started.v1', name: 'agent-dispatcher' },
  { topic: 'agent.task-succeeded.v1', name: 'agent-dispatcher' },
  { topic: 'agent.task-failed.v1', name: 'agent-dispatcher' },
  // salesforce-mirror refreshes run-plan lineage (request → tasks → runs → deliverables) on each task event.
  { topic: 'agent.task-started.v1', name: 'salesforce-mirror' },
  { topic: 'agent.task-succeeded.v1', name: 'salesforce-mirror' },
  { topic: 'agent.task-failed.v1', name: 'salesforce-mirror' },
];

/** A subscription's settings: the defaults, then its topic's time-to-live, then its own declaration. */
export function subscriptionSettings(declaration: Pick<SubscriptionDeclaration, 'topic' | 'settings'>): EntitySettings {
  return { ...defaultEntitySettings, ...topicSettings[declaration.topic], ...declaration.settings };
}

export function schemaFor(entity: EntityName): z.ZodType {
  return entity in topicCatalogue ? topicCatalogue[entity as TopicName] : queueCatalogue[entity as QueueName];
}
