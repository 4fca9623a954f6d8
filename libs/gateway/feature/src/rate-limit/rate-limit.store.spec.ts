import { randomBytes } from 'node:crypto';
import { MemoryRateLimitStore, RedisRateLimitStore, type RateLimitStore } from './rate-limit.store';

const redisUrl = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefix = `leaf:test:${randomBytes(4).toString('hex')}:`;

describe.each([
  ['memory', () => [new MemoryRateLimitStore()]],
  // Two stores on one Redis stand for two gateway replicas sharing the counters.
  ['redis', () => [new RedisRateLimitStore(redisUrl, prefix), new RedisRateLimitStore(redisUrl, prefix)]],
] as const)('%s rate-limit store', (_name, open) => {
  let stores: RateLimitStore[];
  beforeAll(() => {
    stores = open();
  });
  afterAll(() => Promise.all(stores.map((s) => s.close())));

  it('allows exactly the limit across concurrent hits, then says how long to wait', async () => {
    const key = `write:client:${randomBytes(3).toString('hex')}`;
    const decisions = await Promise.all(Array.from({ length: 25 }, (_, i) => stores[i % stores.length].hit(key, 10, 30)));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(10);
    const refused = decisions.find((d) => !d.allowed);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, limit: 10 });
    expect(refused?.resetSeconds).toBeGreaterThan(0);
    expect(refused?.resetSeconds).toBeLessThanOrEqual(30);
    // Another key has its own window.
    expect((await stores[0].hit(`${key}-other`, 10, 30)).allowed).toBe(true);
  });

  it('counts a hit of several at once (an MCP batch), and a cost of 0 only reads the window', async () => {
    const key = `mcp:caller:${randomBytes(3).toString('hex')}`;
    expect(await stores[0].hit(key, 10, 30, 0)).toMatchObject({ allowed: true, remaining: 10 });
    expect(await stores[0].hit(key, 10, 30, 7)).toMatchObject({ allowed: true, remaining: 3 });
    expect(await stores[stores.length - 1].hit(key, 10, 30, 4)).toMatchObject({ allowed: false, remaining: 0 });
    expect(await stores[0].hit(key, 10, 30, 0)).toMatchObject({ allowed: false });
  });

  it('opens a new window once the old one expired', async () => {
    const key = `read:caller:${randomBytes(3).toString('hex')}`;
    expect((await stores[0].hit(key, 1, 1)).allowed).toBe(true);
    expect((await stores[0].hit(key, 1, 1)).allowed).toBe(false);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await stores[stores.length - 1].hit(key, 1, 1)).allowed).toBe(true);
  });
});
