import { createHash } from 'node:crypto';
import { createDataSource, runMigrations } from '@leaf/persistence';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import type { DataSource } from 'typeorm';
import { gatewayMigrations } from './idempotency-schema';
import { IdempotencyStore } from './idempotency.store';

const leaseMs = 15_000;
/** Request hashes are sha256 hex, as the interceptor computes them. */
const h1 = createHash('sha256').update('body 1').digest('hex');
const h2 = createHash('sha256').update('body 2').digest('hex');
const ttlSeconds = 3600;
const at = (ms: number) => new Date(Date.UTC(2026, 10, 23, 12, 0, 0) + ms);
const options = (ms = 0) => ({ ttlSeconds, leaseMs, now: at(ms) });
const answer = {
  status: 202,
  headers: { 'content-type': 'application/json; charset=utf-8', location: '/v1/clients/a/reconciliations/rec_1' },
  body: '{"runId":"rec_1"}',
};

describe.each(testDatabaseTargets())('idempotency store on $name', ({ name, create }) => {
  let db: TestDatabase;
  let ds: DataSource;
  let store: IdempotencyStore;
  let n = 0;
  const scope = () => createHash('sha256').update(`${name}-${++n}`).digest('hex');

  beforeAll(async () => {
    db = await create();
    ds = await createDataSource({ kind: 'postgres', url: db.url }, { migrations: gatewayMigrations.postgres }).initialize();
    await runMigrations(ds);
    store = new IdempotencyStore(ds);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('holds an abandoned in-flight key only for its lease; then a retry with the same body takes it over', async () => {
    const key = scope();
    const crashed = await store.begin(key, h1, options());
    expect(crashed).toMatchObject({ state: 'started', takenOver: false });
    // The gateway holding it dies: nothing completes or releases the key.
    expect(await store.begin(key, h1, options(leaseMs - 1))).toEqual({ state: 'in-progress', requestSha256: h1 });
    // Another body never takes a key over, even an abandoned one: the first may have had its effect.
    expect(await store.begin(key, h2, options(leaseMs + 1))).toEqual({ state: 'in-progress', requestSha256: h1 });
    const retry = await store.begin(key, h1, options(leaseMs + 1));
    expect(retry).toMatchObject({ state: 'started', takenOver: true });
    // The first request, if it was only slow, can neither record its answer nor free the retry's key.
    if (crashed.state !== 'started' || retry.state !== 'started') throw new Error('unreachable');
    expect(await store.complete(key, crashed.token, answer)).toBe(false);
    await store.release(key, crashed.token);
    expect(await store.begin(key, h1, options(leaseMs + 2))).toMatchObject({ state: 'in-progress' });
    expect(await store.complete(key, retry.token, answer)).toBe(true);
    expect(await store.begin(key, h1, options(leaseMs * 10))).toEqual({ state: 'completed', requestSha256: h1, ...answer });
  });

  it('replays the stored status, headers and body until the TTL, then forgets them', async () => {
    const key = scope();
    const begun = await store.begin(key, h1, options());
    if (begun.state !== 'started') throw new Error('expected to start');
    await store.complete(key, begun.token, answer);
    expect(await store.begin(key, h2, options(1000))).toMatchObject({ state: 'completed', requestSha256: h1 });
    expect(await store.begin(key, h2, options(ttlSeconds * 1000 + 1))).toMatchObject({ state: 'started', takenOver: true });
  });

  it('forgets a released key at once', async () => {
    const key = scope();
    const begun = await store.begin(key, h1, options());
    if (begun.state !== 'started') throw new Error('expected to start');
    await store.release(key, begun.token);
    expect(await store.begin(key, h2, options(1))).toMatchObject({ state: 'started', takenOver: false });
  });

  it('lets exactly one of many concurrent retries take an abandoned key over', async () => {
    for (let round = 0; round < 5; round++) {
      const key = scope();
      await store.begin(key, h1, options());
      const results = await Promise.all(Array.from({ length: 6 }, () => store.begin(key, h1, options(leaseMs + 1))));
      expect(results.filter((r) => r.state === 'started')).toHaveLength(1);
      expect(results.filter((r) => r.state === 'in-progress')).toHaveLength(5);
    }
  });

  it('takes over a row written before leases existed once its age passes the lease', async () => {
    const key = scope();
    await ds.query('INSERT INTO gateway_idempotency_keys (scope_sha256, request_sha256, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
      key,
      h1,
      at(0),
      at(ttlSeconds * 1000),
    ]);
    expect(await store.begin(key, h1, options(leaseMs - 1))).toMatchObject({ state: 'in-progress' });
    expect(await store.begin(key, h1, options(leaseMs + 1))).toMatchObject({ state: 'started', takenOver: true });
  });
});
