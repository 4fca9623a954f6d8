import type { EntitySettings } from '@leaf/contracts';
import type { BusTopology } from '../embedded/bus-topology';

/** Short locks and few deliveries, so expiry, renewal and dead-lettering show within seconds. */
export const conformanceSettings: EntitySettings = {
  lockDurationMs: 1_500,
  maxDeliveryCount: 3,
  duplicateDetectionWindowMs: 60_000,
  requiresSession: false,
  defaultMessageTimeToLiveMs: 60 * 60_000,
  deadLetteringOnMessageExpiration: true,
};

/** A subscription whose messages live one second and are dropped, not dead-lettered, when they expire. */
export const shortLivedSettings: EntitySettings = { ...conformanceSettings, defaultMessageTimeToLiveMs: 1_000, deadLetteringOnMessageExpiration: false };

/**
 * The entities the conformance suite uses. A target must serve exactly these (provision them on
 * a broker, or pass this topology to an embedded bus).
 */
export const conformanceTopology = {
  /** Below Standard's 256 KB, so a broker at its tier's limit still carries a body this bus must refuse. */
  maxMessageSizeBytes: 64 * 1024,
  queues: { 'agent-tasks': conformanceSettings },
  topics: {
    'agent.task-started.v1': {
      duplicateDetectionWindowMs: conformanceSettings.duplicateDetectionWindowMs,
      defaultMessageTimeToLiveMs: conformanceSettings.defaultMessageTimeToLiveMs,
    },
    'agent.task-succeeded.v1': {
      duplicateDetectionWindowMs: conformanceSettings.duplicateDetectionWindowMs,
      defaultMessageTimeToLiveMs: conformanceSettings.defaultMessageTimeToLiveMs,
    },
  },
  subscriptions: [
    { topic: 'agent.task-started.v1', name: 'conformance-a', settings: conformanceSettings },
    { topic: 'agent.task-started.v1', name: 'conformance-b', settings: conformanceSettings },
    {
      topic: 'agent.task-started.v1',
      name: 'conformance-fast-lane',
      filter: { applicationProperties: { lane: 'fast' } },
      settings: conformanceSettings,
    },
    {
      topic: 'agent.task-started.v1',
      name: 'conformance-short-lived',
      filter: { applicationProperties: { lane: 'short-lived' } },
      settings: shortLivedSettings,
    },
    { topic: 'agent.task-succeeded.v1', name: 'conformance-sessions', settings: { ...conformanceSettings, requiresSession: true } },
  ],
} as const satisfies BusTopology;
