import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceClient } from '../http/service-client';
import type { TaskContext } from '../worker/task-executor';
import { SalesforceSyncExecutor } from './salesforce-sync.executor';

/** The executor against a stand-in salesforce-mirror answering the contract's shape. */
describe('SalesforceSyncExecutor', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ method?: string; url?: string; body: string; key?: string | string[] }> = [];
  const answer = {
    run: {
      syncId: 'sfs-1',
      mode: 'full',
      status: 'succeeded',
      reason: 'requested',
      counts: {},
      apiUsed: 12,
      apiLimit: 15000,
      limitBackoffs: 0,
      errorCode: null,
      errorDetail: null,
      startedAt: '2026-12-03T10:00:00.000Z',
      finishedAt: '2026-12-03T10:00:05.000Z',
    },
    completeness: { syncId: 'sfs-1', clean: true, objects: [], checkedAt: '2026-12-03T10:00:05.000Z' },
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, body, key: req.headers['idempotency-key'] });
        res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('asks salesforce-mirror for a sync of the kind asked and keeps its answer as the artifact', async () => {
    const artifacts: Array<{ name: string; content: string }> = [];
    const ctx = {
      taskId: 'tsk-sf-1',
      parameters: { clientId: 'northfield-tech', full: true },
      signal: new AbortController().signal,
      span: <T>(_n: string, _a: unknown, work: () => Promise<T>) => work(),
      writeArtifact: async (name: string, content: string) => {
        artifacts.push({ name, content });
        return { name, sha256: 'a'.repeat(64), bytes: content.length, contentType: 'application/json' };
      },
    } as unknown as TaskContext;
    const result = await new SalesforceSyncExecutor(new ServiceClient({ baseUrl: base, service: 'salesforce-mirror' })).run(ctx);
    expect(seen).toEqual([{ method: 'POST', url: '/v1/salesforce/sync', body: JSON.stringify({ full: true }), key: 'tsk-sf-1' }]);
    expect(result.result).toMatchObject({ status: 202, sync: { run: { syncId: 'sfs-1' }, completeness: { clean: true } } });
    expect(JSON.parse(artifacts[0].content)).toEqual(answer);
  });
});
