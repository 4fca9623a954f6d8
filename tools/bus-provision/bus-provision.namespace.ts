import type { CorrelationRuleFilter, ServiceBusAdministrationClient, SqlRuleFilter } from '@azure/service-bus';
import { isServiceBusError } from '@azure/service-bus';
import { parseIsoDuration, toIsoDuration } from './iso-duration';
import type { ExistingState, ExistingSubscription, MutableSettings, ProvisionAction, RuleFilter } from './bus-provision.plan';

const matchAll = '1=1';

function normaliseFilter(filter: SqlRuleFilter | CorrelationRuleFilter): RuleFilter {
  if ('sqlExpression' in filter) {
    return filter.sqlExpression.trim() === matchAll ? { kind: 'all' } : { kind: 'sql', expression: filter.sqlExpression };
  }
  const properties = Object.fromEntries(
    Object.entries(filter.applicationProperties ?? {}).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v] as const),
  );
  return {
    kind: 'correlation',
    ...(filter.correlationId && { correlationId: filter.correlationId }),
    ...(filter.subject && { subject: filter.subject }),
    ...(filter.sessionId && { sessionId: filter.sessionId }),
    ...(Object.keys(properties).length > 0 && {
      applicationProperties: properties,
    }),
  };
}

function sdkFilter(filter: RuleFilter): SqlRuleFilter | CorrelationRuleFilter {
  if (filter.kind === 'all') return { sqlExpression: matchAll };
  if (filter.kind === 'sql') return { sqlExpression: filter.expression };
  const { kind: _kind, ...correlation } = filter;
  return correlation;
}

/** Reads what the namespace has, in the planner's terms. */
export async function readNamespace(admin: ServiceBusAdministrationClient): Promise<ExistingState> {
  const state: ExistingState = { queues: [], topics: [], subscriptions: [] };
  for await (const q of admin.listQueues()) {
    state.queues.push({
      name: q.name,
      lockDurationMs: parseIsoDuration(q.lockDuration),
      maxDeliveryCount: q.maxDeliveryCount,
      requiresDuplicateDetection: q.requiresDuplicateDetection,
      duplicateDetectionWindowMs: parseIsoDuration(q.duplicateDetectionHistoryTimeWindow),
      requiresSession: q.requiresSession,
      defaultMessageTimeToLiveMs: parseIsoDuration(q.defaultMessageTimeToLive),
      deadLetteringOnMessageExpiration: q.deadLetteringOnMessageExpiration,
    });
  }
  for await (const t of admin.listTopics()) {
    state.topics.push({
      name: t.name,
      requiresDuplicateDetection: t.requiresDuplicateDetection,
      duplicateDetectionWindowMs: parseIsoDuration(t.duplicateDetectionHistoryTimeWindow),
      defaultMessageTimeToLiveMs: parseIsoDuration(t.defaultMessageTimeToLive),
    });
    for await (const s of admin.listSubscriptions(t.name)) {
      const subscription: ExistingSubscription = {
        topic: t.name,
        name: s.subscriptionName,
        lockDurationMs: parseIsoDuration(s.lockDuration),
        maxDeliveryCount: s.maxDeliveryCount,
        requiresSession: s.requiresSession,
        defaultMessageTimeToLiveMs: parseIsoDuration(s.defaultMessageTimeToLive),
        deadLetteringOnMessageExpiration: s.deadLetteringOnMessageExpiration,
        rules: [],
      };
      for await (const r of admin.listRules(t.name, s.subscriptionName))
        subscription.rules.push({
          name: r.name,
          filter: normaliseFilter(r.filter),
        });
      state.subscriptions.push(subscription);
    }
  }
  return state;
}

function applyChanges<
  T extends {
    lockDuration?: string;
    maxDeliveryCount?: number;
    duplicateDetectionHistoryTimeWindow?: string;
    defaultMessageTimeToLive?: string;
    deadLetteringOnMessageExpiration?: boolean;
  },
>(properties: T, changes: MutableSettings): T {
  if (changes.defaultMessageTimeToLiveMs !== undefined) properties.defaultMessageTimeToLive = toIsoDuration(changes.defaultMessageTimeToLiveMs);
  if (changes.deadLetteringOnMessageExpiration !== undefined) properties.deadLetteringOnMessageExpiration = changes.deadLetteringOnMessageExpiration;
  if (changes.lockDurationMs !== undefined) properties.lockDuration = toIsoDuration(changes.lockDurationMs);
  if (changes.maxDeliveryCount !== undefined) properties.maxDeliveryCount = changes.maxDeliveryCount;
  if (changes.duplicateDetectionWindowMs !== undefined) properties.duplicateDetectionHistoryTimeWindow = toIsoDuration(changes.duplicateDetectionWindowMs);
  return properties;
}

/** A concurrent run may have created it since we read: that is the outcome we wanted. */
async function tolerateExisting(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (error) {
    if (!(isServiceBusError(error) && error.code === 'MessagingEntityAlreadyExists')) throw error;
  }
}

export async function applyAction(admin: ServiceBusAdministrationClient, action: ProvisionAction): Promise<void> {
  switch (action.kind) {
    case 'create-queue':
      return tolerateExisting(() =>
        admin.createQueue(action.name, {
          lockDuration: toIsoDuration(action.settings.lockDurationMs),
          maxDeliveryCount: action.settings.maxDeliveryCount,
          requiresDuplicateDetection: true,
          duplicateDetectionHistoryTimeWindow: toIsoDuration(action.settings.duplicateDetectionWindowMs),
          requiresSession: action.settings.requiresSession,
          defaultMessageTimeToLive: toIsoDuration(action.settings.defaultMessageTimeToLiveMs),
          deadLetteringOnMessageExpiration: action.settings.deadLetteringOnMessageExpiration,
        }),
      );
    case 'update-queue':
      await admin.updateQueue(applyChanges(await admin.getQueue(action.name), action.changes));
      return;
    case 'create-topic':
      return tolerateExisting(() =>
        admin.createTopic(action.name, {
          requiresDuplicateDetection: true,
          duplicateDetectionHistoryTimeWindow: toIsoDuration(action.duplicateDetectionWindowMs),
          defaultMessageTimeToLive: toIsoDuration(action.defaultMessageTimeToLiveMs),
        }),
      );
    case 'update-topic':
      await admin.updateTopic(applyChanges(await admin.getTopic(action.name), action.changes));
      return;
    case 'create-subscription':
      // The declared filter is the default rule from the start: no moment where it receives everything.
      return tolerateExisting(() =>
        admin.createSubscription(action.topic, action.name, {
          lockDuration: toIsoDuration(action.settings.lockDurationMs),
          maxDeliveryCount: action.settings.maxDeliveryCount,
          requiresSession: action.settings.requiresSession,
          defaultMessageTimeToLive: toIsoDuration(action.settings.defaultMessageTimeToLiveMs),
          deadLetteringOnMessageExpiration: action.settings.deadLetteringOnMessageExpiration,
          deadLetteringOnFilterEvaluationExceptions: true,
          defaultRuleOptions: {
            name: '$Default',
            filter: sdkFilter(action.filter),
          },
        }),
      );
    case 'update-subscription':
      await admin.updateSubscription(applyChanges(await admin.getSubscription(action.topic, action.name), action.changes));
      return;
    case 'put-rule':
      if (action.exists) {
        const rule = await admin.getRule(action.topic, action.subscription, action.rule);
        rule.filter = sdkFilter(action.filter);
        await admin.updateRule(action.topic, action.subscription, rule);
      } else {
        await tolerateExisting(() => admin.createRule(action.topic, action.subscription, action.rule, sdkFilter(action.filter)));
      }
      return;
    case 'delete-rule':
      await admin.deleteRule(action.topic, action.subscription, action.rule);
      return;
  }
}
