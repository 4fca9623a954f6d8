import { canonicalJson, type CorrelationFilter, type EntitySettings } from '@leaf/contracts';
import type { DeclaredSubscription, DeclaredTopology } from './bus-provision.topology';

/** A rule filter as the namespace has it, normalised: everything, a correlation filter, or SQL we did not write. */
export type RuleFilter = { kind: 'all' } | ({ kind: 'correlation' } & CorrelationFilter) | { kind: 'sql'; expression: string };

export interface ExistingQueue {
  name: string;
  lockDurationMs: number;
  maxDeliveryCount: number;
  requiresDuplicateDetection: boolean;
  duplicateDetectionWindowMs: number;
  requiresSession: boolean;
  defaultMessageTimeToLiveMs: number;
  deadLetteringOnMessageExpiration: boolean;
}
export interface ExistingTopic {
  name: string;
  requiresDuplicateDetection: boolean;
  duplicateDetectionWindowMs: number;
  defaultMessageTimeToLiveMs: number;
}
export interface ExistingSubscription {
  topic: string;
  name: string;
  lockDurationMs: number;
  maxDeliveryCount: number;
  requiresSession: boolean;
  defaultMessageTimeToLiveMs: number;
  deadLetteringOnMessageExpiration: boolean;
  rules: { name: string; filter: RuleFilter }[];
}
export interface ExistingState {
  queues: ExistingQueue[];
  topics: ExistingTopic[];
  subscriptions: ExistingSubscription[];
}

/** What Service Bus lets an existing entity change (sessions and turning on duplicate detection it does not). */
export type MutableSettings = Partial<
  Pick<EntitySettings, 'lockDurationMs' | 'maxDeliveryCount' | 'duplicateDetectionWindowMs' | 'defaultMessageTimeToLiveMs' | 'deadLetteringOnMessageExpiration'>
>;

const receiverSettings = ['lockDurationMs', 'maxDeliveryCount', 'defaultMessageTimeToLiveMs', 'deadLetteringOnMessageExpiration'] as const;

/** The rule a declared subscription has: its correlation filter, or everything. */
export const defaultRuleName = '$Default';

export type ProvisionAction =
  | { kind: 'create-queue'; name: string; settings: EntitySettings }
  | { kind: 'update-queue'; name: string; changes: MutableSettings }
  | {
      kind: 'create-topic';
      name: string;
      duplicateDetectionWindowMs: number;
      defaultMessageTimeToLiveMs: number;
    }
  | { kind: 'update-topic'; name: string; changes: MutableSettings }
  | {
      kind: 'create-subscription';
      topic: string;
      name: string;
      settings: EntitySettings;
      filter: RuleFilter;
    }
  | {
      kind: 'update-subscription';
      topic: string;
      name: string;
      changes: MutableSettings;
    }
  | {
      kind: 'put-rule';
      topic: string;
      subscription: string;
      rule: string;
      filter: RuleFilter;
      exists: boolean;
    }
  | { kind: 'delete-rule'; topic: string; subscription: string; rule: string };

/** Things the tool will not do by itself: they are reported, never acted on. */
export type ProvisionFinding =
  /** A setting Service Bus cannot change in place: the entity has to be recreated by hand. */
  | { kind: 'conflict'; entity: string; detail: string }
  /** Exists in the namespace but not in the topology: left alone. */
  | { kind: 'undeclared'; entity: string };

export interface ProvisionPlan {
  actions: ProvisionAction[];
  findings: ProvisionFinding[];
}

export function declaredFilter(filter: CorrelationFilter | undefined): RuleFilter {
  if (!filter) return { kind: 'all' };
  return {
    kind: 'correlation',
    ...(filter.correlationId !== undefined && {
      correlationId: filter.correlationId,
    }),
    ...(filter.subject !== undefined && { subject: filter.subject }),
    ...(filter.sessionId !== undefined && { sessionId: filter.sessionId }),
    ...(filter.applicationProperties &&
      Object.keys(filter.applicationProperties).length > 0 && {
        applicationProperties: { ...filter.applicationProperties },
      }),
  };
}

export const sameFilter = (a: RuleFilter, b: RuleFilter): boolean => canonicalJson(a) === canonicalJson(b);

function changed<K extends keyof MutableSettings>(keys: readonly K[], want: Pick<EntitySettings, K>, have: Pick<EntitySettings, K>): MutableSettings {
  const changes: MutableSettings = {};
  for (const key of keys) if (want[key] !== have[key]) changes[key] = want[key];
  return changes;
}

const any = (changes: MutableSettings) => Object.keys(changes).length > 0;
const subscriptionPath = (s: { topic: string; name: string }) => `${s.topic}/Subscriptions/${s.name}`;

/**
 * Declared topology + what the namespace has -> what to do. Pure, so the whole decision is
 * testable without a namespace: create what is missing, update settings that differ, make each
 * declared subscription's rules exactly its declared filter (as `$Default`), and report - never
 * delete - entities the topology does not declare.
 */
export function planProvisioning(declared: DeclaredTopology, existing: ExistingState): ProvisionPlan {
  const actions: ProvisionAction[] = [];
  const findings: ProvisionFinding[] = [];

  const queues = new Map(existing.queues.map((q) => [q.name, q]));
  for (const { name, settings } of declared.queues) {
    const have = queues.get(name);
    if (!have) {
      actions.push({ kind: 'create-queue', name, settings });
      continue;
    }
    if (have.requiresSession !== settings.requiresSession) {
      findings.push({
        kind: 'conflict',
        entity: name,
        detail: `requiresSession is ${have.requiresSession}, declared ${settings.requiresSession}`,
      });
    }
    if (!have.requiresDuplicateDetection) {
      findings.push({
        kind: 'conflict',
        entity: name,
        detail: 'duplicate detection is off; it can only be turned on by recreating the queue',
      });
    }
    const changes = changed(receiverSettings, settings, have);
    if (have.requiresDuplicateDetection && have.duplicateDetectionWindowMs !== settings.duplicateDetectionWindowMs) {
      changes.duplicateDetectionWindowMs = settings.duplicateDetectionWindowMs;
    }
    if (any(changes)) actions.push({ kind: 'update-queue', name, changes });
  }

  const topics = new Map(existing.topics.map((t) => [t.name, t]));
  for (const { name, duplicateDetectionWindowMs, defaultMessageTimeToLiveMs } of declared.topics) {
    const have = topics.get(name);
    if (!have) {
      actions.push({
        kind: 'create-topic',
        name,
        duplicateDetectionWindowMs,
        defaultMessageTimeToLiveMs,
      });
      continue;
    }
    const changes: MutableSettings = {};
    if (!have.requiresDuplicateDetection) {
      findings.push({
        kind: 'conflict',
        entity: name,
        detail: 'duplicate detection is off; it can only be turned on by recreating the topic',
      });
    } else if (have.duplicateDetectionWindowMs !== duplicateDetectionWindowMs) {
      changes.duplicateDetectionWindowMs = duplicateDetectionWindowMs;
    }
    if (have.defaultMessageTimeToLiveMs !== defaultMessageTimeToLiveMs) changes.defaultMessageTimeToLiveMs = defaultMessageTimeToLiveMs;
    if (any(changes)) actions.push({ kind: 'update-topic', name, changes });
  }

  const subscriptions = new Map(existing.subscriptions.map((s) => [subscriptionPath(s), s]));
  for (const want of declared.subscriptions) planSubscription(want, subscriptions.get(subscriptionPath(want)), actions, findings);

  const declaredNames = {
    queues: new Set(declared.queues.map((q) => q.name)),
    topics: new Set(declared.topics.map((t) => t.name)),
    subscriptions: new Set(declared.subscriptions.map(subscriptionPath)),
  };
  for (const q of existing.queues) if (!declaredNames.queues.has(q.name)) findings.push({ kind: 'undeclared', entity: q.name });
  for (const t of existing.topics) if (!declaredNames.topics.has(t.name)) findings.push({ kind: 'undeclared', entity: t.name });
  for (const s of existing.subscriptions) {
    if (!declaredNames.subscriptions.has(subscriptionPath(s))) findings.push({ kind: 'undeclared', entity: subscriptionPath(s) });
  }
  return { actions, findings };
}

function planSubscription(want: DeclaredSubscription, have: ExistingSubscription | undefined, actions: ProvisionAction[], findings: ProvisionFinding[]): void {
  const filter = declaredFilter(want.filter);
  if (!have) {
    actions.push({
      kind: 'create-subscription',
      topic: want.topic,
      name: want.name,
      settings: want.settings,
      filter,
    });
    return;
  }
  if (have.requiresSession !== want.settings.requiresSession) {
    findings.push({
      kind: 'conflict',
      entity: subscriptionPath(want),
      detail: `requiresSession is ${have.requiresSession}, declared ${want.settings.requiresSession}`,
    });
  }
  const changes = changed(receiverSettings, want.settings, have);
  if (any(changes))
    actions.push({
      kind: 'update-subscription',
      topic: want.topic,
      name: want.name,
      changes,
    });

  // The declared rule goes in first and strays go after, so the subscription never has no rule
  // (it would receive nothing) and never has only a stray one.
  const current = have.rules.find((r) => r.name === defaultRuleName);
  if (!current || !sameFilter(current.filter, filter)) {
    actions.push({
      kind: 'put-rule',
      topic: want.topic,
      subscription: want.name,
      rule: defaultRuleName,
      filter,
      exists: current !== undefined,
    });
  }
  for (const rule of have.rules) {
    if (rule.name !== defaultRuleName)
      actions.push({
        kind: 'delete-rule',
        topic: want.topic,
        subscription: want.name,
        rule: rule.name,
      });
  }
}
