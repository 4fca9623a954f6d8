import { text } from 'node:stream/consumers';
import { FakeDomoServer } from '../fake-domo/fake-domo.server';
import { DomoApiClient } from './domo-api.client';
import { isDomoSourceError } from './domo-api.error';
import { retryAfterMs } from './retry-after';

describe('DomoApiClient against a local Domo', () => {
  const columns = [
    { name: 'client_id', type: 'STRING' as const },
    { name: 'savings', type: 'DECIMAL' as const },
  ];
  const datasets = Array.from({ length: 7 }, (_, i) => ({ id: `ds-${i}`, name: `Dataset ${i}`, columns, csv: `c${i},${i}.50\n` }));
  datasets.push({ id: 'big', name: 'Big', columns, csv: Array.from({ length: 5000 }, (_, i) => `client-${i},"${i}.25"\n`).join('') });
  const server = new FakeDomoServer(datasets);
  const waits: number[] = [];
  const client = (overrides: Partial<ConstructorParameters<typeof DomoApiClient>[0]> = {}) =>
    new DomoApiClient({ baseUrl: server.url, ...server.credentials, pageSize: 3, sleep: async (ms) => void waits.push(ms), ...overrides });

  beforeAll(() => server.start());
  afterAll(() => server.stop());
  beforeEach(() => {
    waits.length = 0;
    server.requests.length = 0;
  });

  it('signs in with client credentials and pages through every dataset', async () => {
    const names: string[] = [];
    for await (const d of client().listDatasets()) names.push(d.name);
    expect(names).toEqual(['Big', ...datasets.slice(0, 7).map((d) => d.name)]);
    expect(server.requests.filter((r) => r.path === '/oauth/token')).toHaveLength(1);
    expect(server.requests.filter((r) => r.path === '/v1/datasets')).toHaveLength(3);
  });

  it('reads metadata with the schema and streams the CSV export', async () => {
    const c = client();
    expect((await c.metadata('big')).schema.columns).toEqual(columns);
    const csv = await text(await c.exportCsv('big'));
    expect(csv.split('\n')[0]).toBe('client_id,savings');
    expect(csv.trimEnd().split('\n')).toHaveLength(5001);
  });

  it('waits as Retry-After says on 429, backs off on 5xx, then succeeds', async () => {
    server.fail({ path: '/v1/datasets/ds-1', status: 429, retryAfter: '7' });
    server.fail({ path: '/v1/datasets/ds-1', status: 503 });
    const metadata = await client({ baseDelayMs: 100 }).metadata('ds-1');
    expect(metadata.id).toBe('ds-1');
    expect(waits).toEqual([7000, 200]);
  });

  it('gives up after maxAttempts with DOMO_UNAVAILABLE', async () => {
    for (let i = 0; i < 3; i++) server.fail({ path: '/v1/datasets/ds-2', status: 502 });
    await expect(client({ maxAttempts: 3 }).metadata('ds-2')).rejects.toMatchObject({ code: 'DOMO_UNAVAILABLE', status: 502 });
    expect(waits).toHaveLength(2);
  });

  it('refreshes a revoked token once', async () => {
    const c = client();
    await c.metadata('ds-3');
    server.revokeTokens();
    await expect(c.metadata('ds-3')).resolves.toMatchObject({ id: 'ds-3' });
    expect(server.requests.filter((r) => r.path === '/oauth/token')).toHaveLength(2);
  });

  it('says what failed without the secret or a token', async () => {
    const wrong = client({ clientSecret: 'not-the-secret' });
    const error = await wrong.metadata('ds-1').catch((e: unknown) => e);
    expect(isDomoSourceError(error) && error.code).toBe('DOMO_AUTH_FAILED');
    await expect(client().metadata('nope')).rejects.toMatchObject({ code: 'DOMO_NOT_FOUND' });
    const messages = JSON.stringify([String(error), (error as Error).stack]);
    expect(messages).not.toContain('not-the-secret');
    expect(messages).not.toContain('fake-access-token');
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
