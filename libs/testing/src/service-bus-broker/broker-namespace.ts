import { resolveSettings, type BrokerTopology } from './broker-topology';
import { MessageStore } from './message-store';
import { DuplicateDetector, SendTarget } from './send-target';

export interface ResolvedEntity {
  /** Where receivers read and settlement happens (queue, subscription or a dead-letter queue). */
  readonly store?: MessageStore;
  /** Where senders and schedule requests go (queue or topic). */
  readonly target?: SendTarget;
}

/** Strips `sb://host:port/` or `amqps://host/` so addresses are entity paths. */
export function entityPath(address: string | undefined): string {
  return (address ?? '').replace(/^[a-z]+:\/\/[^/]+\//i, '').replace(/^\/+/, '');
}

/** All entities of one broker, addressed the way Service Bus addresses them. */
export class BrokerNamespace {
  private readonly entities = new Map<string, ResolvedEntity>();
  private readonly stores: MessageStore[] = [];
  private readonly targets: SendTarget[] = [];

  constructor(topology: BrokerTopology) {
    const store = (path: string, settings: ReturnType<typeof resolveSettings>): MessageStore => {
      const deadLetter = new MessageStore(`${path}/$DeadLetterQueue`, {
        ...settings,
        requiresSession: false,
      });
      const created = new MessageStore(path, settings, deadLetter);
      this.entities.set(deadLetter.path.toLowerCase(), { store: deadLetter });
      this.stores.push(created);
      return created;
    };
    for (const queue of topology.queues) {
      const settings = resolveSettings(queue.settings);
      const queueStore = store(queue.name, settings);
      const target = new SendTarget(queue.name, {
        duplicates: new DuplicateDetector(settings.duplicateDetectionWindowMs),
        routes: [{ store: queueStore }],
        requiresSession: settings.requiresSession,
        defaultMessageTimeToLiveMs: settings.defaultMessageTimeToLiveMs,
      });
      this.targets.push(target);
      this.entities.set(queue.name.toLowerCase(), {
        store: queueStore,
        target,
      });
    }
    for (const topic of topology.topics) {
      const routes = topic.subscriptions.map((sub) => {
        const path = `${topic.name}/Subscriptions/${sub.name}`;
        const subStore = store(path, resolveSettings(sub.settings));
        this.entities.set(path.toLowerCase(), { store: subStore });
        return { store: subStore, filter: sub.filter };
      });
      const settings = resolveSettings(topic.settings);
      const target = new SendTarget(topic.name, {
        duplicates: new DuplicateDetector(settings.duplicateDetectionWindowMs),
        routes,
        // A topic takes a message without a session id; a session subscription dead-letters its copy.
        requiresSession: false,
        defaultMessageTimeToLiveMs: settings.defaultMessageTimeToLiveMs,
      });
      this.targets.push(target);
      this.entities.set(topic.name.toLowerCase(), { target });
    }
  }

  resolve(address: string | undefined): ResolvedEntity | undefined {
    return this.entities.get(entityPath(address).toLowerCase());
  }

  close(): void {
    for (const target of this.targets) target.close();
    for (const store of this.stores) store.close();
  }
}
