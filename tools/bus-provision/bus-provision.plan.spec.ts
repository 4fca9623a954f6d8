import { defaultEntitySettings, queueCatalogue, queueSettings, subscriptionCatalogue, topicCatalogue, topicSettings, type TopicName } from '@leaf/contracts';
import { describePlan } from './bus-provision.format';
import { planProvisioning, type ExistingState, type ExistingSubscription } from './bus-provision.plan';
import { declaredTopology, type DeclaredTopology } from './bus-provision.topology';

const hour = 3_600_000;
const settings = {
  lockDurationMs: 30_000,
  maxDeliveryCount: 10,
  duplicateDetectionWindowMs: 600_000,
  requiresSession: false,
  defaultMessageTimeToLiveMs: hour,
  deadLetteringOnMessageExpiration: false,
};

const declared: DeclaredTopology = {
  queues: [
    {
      name: 'agent-tasks',
      settings: { ...settings, lockDurationMs: 60_000, maxDeliveryCount: 5 },
    },
  ],
  topics: [
    {
      name: 'agent.task-started.v1',
      duplicateDetectionWindowMs: 600_000,
      defaultMessageTimeToLiveMs: hour,
    },
  ],
  subscriptions: [
    { topic: 'agent.task-started.v1', name: 'agent-dispatcher', settings },
    {
      topic: 'agent.task-started.v1',
      name: 'fast-lane',
      settings,
      filter: { applicationProperties: { lane: 'fast' }, subject: 'start' },
    },
  ],
};

/** The namespace exactly as provisioning `declared` leaves it. */
function provisioned(): ExistingState {
  const sub = (name: string, rules: ExistingSubscription['rules']): ExistingSubscription => ({
    topic: 'agent.task-started.v1',
    name,
    lockDurationMs: 30_000,
    maxDeliveryCount: 10,
    requiresSession: false,
    defaultMessageTimeToLiveMs: hour,
    deadLetteringOnMessageExpiration: false,
    rules,
  });
  return {
    queues: [
      {
        name: 'agent-tasks',
        lockDurationMs: 60_000,
        maxDeliveryCount: 5,
        requiresDuplicateDetection: true,
        duplicateDetectionWindowMs: 600_000,
        requiresSession: false,
        defaultMessageTimeToLiveMs: hour,
        deadLetteringOnMessageExpiration: false,
      },
    ],
    topics: [
      {
        name: 'agent.task-started.v1',
        requiresDuplicateDetection: true,
        duplicateDetectionWindowMs: 600_000,
        defaultMessageTimeToLiveMs: hour,
      },
    ],
    subscriptions: [
      sub('agent-dispatcher', [{ name: '$Default', filter: { kind: 'all' } }]),
      sub('fast-lane', [
        {
          name: '$Default',
          filter: {
            kind: 'correlation',
            subject: 'start',
            applicationProperties: { lane: 'fast' },
          },
        },
      ]),
    ],
  };
}

describe('planProvisioning', () => {
  it('creates everything on an empty namespace, each subscription born with its declared filter as $Default', () => {
    const plan = planProvisioning(declared, {
      queues: [],
      topics: [],
      subscriptions: [],
    });
    expect(plan.findings).toEqual([]);
    expect(plan.actions).toEqual([
      {
        kind: 'create-queue',
        name: 'agent-tasks',
        settings: declared.queues[0]!.settings,
      },
      {
        kind: 'create-topic',
        name: 'agent.task-started.v1',
        duplicateDetectionWindowMs: 600_000,
        defaultMessageTimeToLiveMs: hour,
      },
      {
        kind: 'create-subscription',
        topic: 'agent.task-started.v1',
        name: 'agent-dispatcher',
        settings,
        filter: { kind: 'all' },
      },
      {
        kind: 'create-subscription',
        topic: 'agent.task-started.v1',
        name: 'fast-lane',
        settings,
        filter: {
          kind: 'correlation',
          subject: 'start',
          applicationProperties: { lane: 'fast' },
        },
      },
    ]);
  });

  it('is idempotent: a namespace that matches needs nothing, whatever the order of filter keys', () => {
    const plan = planProvisioning(declared, provisioned());
    expect(plan).toEqual({ actions: [], findings: [] });
    expect(describePlan(plan)).toEqual(['nothing to do: the namespace matches the topology']);
  });

  it('updates only the settings that differ', () => {
    const existing = provisioned();
    existing.queues[0]!.lockDurationMs = 30_000;
    existing.topics[0]!.duplicateDetectionWindowMs = 60_000;
    existing.subscriptions[0]!.maxDeliveryCount = 3;
    expect(planProvisioning(declared, existing).actions).toEqual([
      {
        kind: 'update-queue',
        name: 'agent-tasks',
        changes: { lockDurationMs: 60_000 },
      },
      {
        kind: 'update-topic',
        name: 'agent.task-started.v1',
        changes: { duplicateDetectionWindowMs: 600_000 },
      },
      {
        kind: 'update-subscription',
        topic: 'agent.task-started.v1',
        name: 'agent-dispatcher',
        changes: { maxDeliveryCount: 10 },
      },
    ]);
  });

  it('updates time-to-live and dead-lettering on expiration where the namespace differs (Service Bus changes both in place)', () => {
    const existing = provisioned();
    // What a namespace created by hand has: TimeSpan.MaxValue, nothing dead-lettered on expiry.
    existing.queues[0]!.defaultMessageTimeToLiveMs = 922337203685478;
    existing.topics[0]!.defaultMessageTimeToLiveMs = 922337203685478;
    existing.subscriptions[1]!.deadLetteringOnMessageExpiration = true;
    const plan = planProvisioning(declared, existing);
    expect(plan.actions).toEqual([
      {
        kind: 'update-queue',
        name: 'agent-tasks',
        changes: { defaultMessageTimeToLiveMs: hour },
      },
      {
        kind: 'update-topic',
        name: 'agent.task-started.v1',
        changes: { defaultMessageTimeToLiveMs: hour },
      },
      {
        kind: 'update-subscription',
        topic: 'agent.task-started.v1',
        name: 'fast-lane',
        changes: { deadLetteringOnMessageExpiration: false },
      },
    ]);
    expect(describePlan(plan)[1]).toBe('update topic agent.task-started.v1 (defaultMessageTimeToLiveMs=3600000)');
  });

  it("replaces a subscription's $Default rule with its declared filter, then removes rules it does not declare", () => {
    const existing = provisioned();
    existing.subscriptions[1]!.rules = [
      { name: '$Default', filter: { kind: 'all' } },
      {
        name: 'legacy',
        filter: { kind: 'sql', expression: "sys.Label = 'x'" },
      },
    ];
    expect(planProvisioning(declared, existing).actions).toEqual([
      {
        kind: 'put-rule',
        topic: 'agent.task-started.v1',
        subscription: 'fast-lane',
        rule: '$Default',
        filter: {
          kind: 'correlation',
          subject: 'start',
          applicationProperties: { lane: 'fast' },
        },
        exists: true,
      },
      {
        kind: 'delete-rule',
        topic: 'agent.task-started.v1',
        subscription: 'fast-lane',
        rule: 'legacy',
      },
    ]);
  });

  it('creates a missing $Default rule for a subscription that lost it (it would receive nothing)', () => {
    const existing = provisioned();
    existing.subscriptions[0]!.rules = [];
    expect(planProvisioning(declared, existing).actions).toEqual([
      {
        kind: 'put-rule',
        topic: 'agent.task-started.v1',
        subscription: 'agent-dispatcher',
        rule: '$Default',
        filter: { kind: 'all' },
        exists: false,
      },
    ]);
  });

  it('reports entities the topology does not declare and never plans to delete them', () => {
    const existing = provisioned();
    existing.queues.push({ ...existing.queues[0]!, name: 'old-queue' });
    existing.topics.push({ ...existing.topics[0]!, name: 'old.topic.v1' });
    existing.subscriptions.push({
      ...existing.subscriptions[0]!,
      name: 'retired-consumer',
    });
    existing.subscriptions.push({
      ...existing.subscriptions[0]!,
      topic: 'old.topic.v1',
      name: 'someone',
    });
    const plan = planProvisioning(declared, existing);
    expect(plan.actions).toEqual([]);
    expect(plan.findings).toEqual([
      { kind: 'undeclared', entity: 'old-queue' },
      { kind: 'undeclared', entity: 'old.topic.v1' },
      {
        kind: 'undeclared',
        entity: 'agent.task-started.v1/Subscriptions/retired-consumer',
      },
      { kind: 'undeclared', entity: 'old.topic.v1/Subscriptions/someone' },
    ]);
    expect(describePlan(plan)).toContain('undeclared old-queue (left alone)');
  });

  it('reports settings Service Bus cannot change in place as conflicts instead of pretending to update them', () => {
    const existing = provisioned();
    existing.queues[0]!.requiresSession = true;
    existing.topics[0]!.requiresDuplicateDetection = false;
    existing.subscriptions[1]!.requiresSession = true;
    const plan = planProvisioning(declared, existing);
    expect(plan.actions).toEqual([]);
    expect(plan.findings.map((f) => [f.kind, f.entity])).toEqual([
      ['conflict', 'agent-tasks'],
      ['conflict', 'agent.task-started.v1'],
      ['conflict', 'agent.task-started.v1/Subscriptions/fast-lane'],
    ]);
  });
});

describe('declaredTopology', () => {
  it('declares every queue, topic and subscription of the contract catalogue with full settings', () => {
    const topology = declaredTopology();
    expect(topology.queues.map((q) => q.name)).toEqual(Object.keys(queueCatalogue));
    expect(topology.topics.map((t) => t.name)).toEqual(Object.keys(topicCatalogue));
    expect(topology.subscriptions.map((s) => `${s.topic}/${s.name}`)).toEqual(subscriptionCatalogue.map((s) => `${s.topic}/${s.name}`));
    expect(topology.queues.find((q) => q.name === 'agent-tasks')!.settings).toMatchObject({
      lockDurationMs: 60_000,
      maxDeliveryCount: 5,
      defaultMessageTimeToLiveMs: queueSettings['agent-tasks'].defaultMessageTimeToLiveMs,
      deadLetteringOnMessageExpiration: true,
    });
    // Each topic and its subscriptions carry the catalogue's time-to-live.
    for (const t of topology.topics) expect(t.defaultMessageTimeToLiveMs).toBe(topicSettings[t.name as TopicName].defaultMessageTimeToLiveMs);
    for (const s of topology.subscriptions) expect(s.settings).toMatchObject(topicSettings[s.topic as TopicName]);
    for (const s of topology.subscriptions) expect(Object.keys(s.settings).sort()).toEqual(Object.keys(defaultEntitySettings).sort());
  });
});
