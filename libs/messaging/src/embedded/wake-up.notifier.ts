import { Client } from 'pg';

type Waiter = () => void;

/**
 * Wakes consumers when their entity gets a message, so latency is not a poll interval. Sends in
 * this process wake directly; other processes' sends arrive through LISTEN/NOTIFY. A counter per
 * entity closes the gap between "claimed nothing" and "started waiting".
 */
export class WakeUpNotifier {
  private static readonly open = new Map<string, { notifier: WakeUpNotifier; users: number }>();
  private readonly versions = new Map<string, number>();
  private readonly waiters = new Map<string, Set<Waiter>>();
  private listener?: Client;

  constructor(readonly channel: string) {}

  /**
   * One notifier per database and channel in a process, shared by every bus on it: PGlite's
   * socket does not deliver NOTIFY to other connections (checked with pglite-socket 0.2.17),
   * so two buses of one process on PGlite wake each other only through this object.
   */
  static async acquire(url: string, channel: string): Promise<{ notifier: WakeUpNotifier; release: () => Promise<void> }> {
    const key = `${url}#${channel}`;
    let entry = WakeUpNotifier.open.get(key);
    if (!entry) {
      entry = { notifier: new WakeUpNotifier(channel), users: 0 };
      WakeUpNotifier.open.set(key, entry);
      await entry.notifier.listen(url);
    }
    entry.users++;
    const held = entry;
    let released = false;
    return {
      notifier: held.notifier,
      release: async () => {
        if (released) return;
        released = true;
        if (--held.users > 0) return;
        WakeUpNotifier.open.delete(key);
        await held.notifier.close();
      },
    };
  }

  version(entity: string): number {
    return this.versions.get(entity) ?? 0;
  }

  notify(entity: string): void {
    this.versions.set(entity, this.version(entity) + 1);
    const waiting = this.waiters.get(entity);
    if (!waiting) return;
    this.waiters.delete(entity);
    for (const wake of waiting) wake();
  }

  /** Resolves once `entity` changed since `seenVersion`, after `timeoutMs`, or on abort. */
  wait(entity: string, seenVersion: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (this.version(entity) !== seenVersion || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.waiters.get(entity)?.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, timeoutMs));
      signal.addEventListener('abort', done, { once: true });
      let set = this.waiters.get(entity);
      if (!set) this.waiters.set(entity, (set = new Set()));
      set.add(done);
    });
  }

  /** Other processes' sends. Best effort: the fallback poll covers a server that does not deliver NOTIFY. */
  async listen(url: string): Promise<void> {
    const client = new Client({ connectionString: url });
    client.on('notification', (n) => {
      if (n.channel === this.channel && n.payload) this.notify(n.payload);
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
      this.listener = client;
    } catch {
      await client.end().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    for (const entity of [...this.waiters.keys()]) this.notify(entity);
    await this.listener?.end().catch(() => undefined);
    this.listener = undefined;
  }
}
