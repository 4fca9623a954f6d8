import Redis from 'ioredis';

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window resets (what Retry-After says on a 429). */
  resetSeconds: number;
}

/** Counts hits per key in fixed windows. */
export interface RateLimitStore {
  /** Adds `cost` hits (0 only reads the window) and says whether the window is still within `limit`. */
  hit(key: string, limit: number, windowSeconds: number, cost?: number): Promise<RateLimitDecision>;
  close(): Promise<void>;
}

const decide = (count: number, limit: number, ttlMs: number): RateLimitDecision => ({
  allowed: count <= limit,
  limit,
  remaining: Math.max(0, limit - count),
  resetSeconds: Math.max(1, Math.ceil(ttlMs / 1000)),
});

/** One process (the embedded stack, a single replica). */
export class MemoryRateLimitStore implements RateLimitStore {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private lastSweep = Date.now();

  async hit(key: string, limit: number, windowSeconds: number, cost = 1): Promise<RateLimitDecision> {
    const now = Date.now();
    if (now - this.lastSweep > 60_000) {
      for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
      this.lastSweep = now;
    }
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + windowSeconds * 1000 };
      this.windows.set(key, window);
    }
    window.count += cost;
    return decide(window.count, limit, window.resetAt - now);
  }

  async close(): Promise<void> {
    this.windows.clear();
  }
}

/** INCRBY and the window's expiry in one atomic step, so replicas never race on a fresh key. */
const hitScript = `
local count = redis.call('INCRBY', KEYS[1], ARGV[2])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}`;

/** Shared by every gateway replica (LEAF_REDIS_URL). */
export class RedisRateLimitStore implements RateLimitStore {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix = 'leaf:ratelimit:',
  ) {
    this.redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: true, connectTimeout: 2_000 });
    this.redis.defineCommand('leafHit', { numberOfKeys: 1, lua: hitScript });
  }

  async hit(key: string, limit: number, windowSeconds: number, cost = 1): Promise<RateLimitDecision> {
    const [count, ttl] = await (this.redis as unknown as { leafHit(k: string, ms: number, cost: number): Promise<[number, number]> }).leafHit(
      `${this.prefix}${key}`,
      windowSeconds * 1000,
      cost,
    );
    return decide(count, limit, ttl);
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
