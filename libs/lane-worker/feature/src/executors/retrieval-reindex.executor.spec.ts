import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ServiceClient } from '../http/service-client';
import type { TaskContext } from '../worker/task-executor';
import { RetrievalReindexExecutor } from './retrieval-reindex.executor';

/** retrieval's reindex route as the executor sees it: what was asked, and the contract's answer. */
describe('RetrievalReindexExecutor', () => {
  let server: Server;
  let base: string;
  const seen: Array<{ method?: string; url?: string; body: unknown; identity?: string }> = [];
  let answer: { status: number; body: unknown } = {
    status: 200,
    body: { documents: 3, chunks: 41, embedding: 'lexical-ngram-fnv1a-256', backend: 'postgres', durationMs: 12 },
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, body: raw ? JSON.parse(raw) : null, identity: req.headers['x-test-scope'] as string | undefined });
        res.writeHead(answer.status, { 'content-type': answer.status < 400 ? 'application/json' : 'application/problem+json' });
        res.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const context = (parameters: Record<string, unknown>) => {
    const artifacts: Array<{ name: string; content: string }> = [];
    const ctx = {
      taskId: 'tsk_1',
      attempt: 1,
      kind: 'retrieval.reindex',
      clientId: 'acme-health',
      parameters,
      signal: new AbortController().signal,
      span: (_n: string, _a: unknown, work: () => Promise<unknown>) => work(),
      writeArtifact: async (name: string, content: string) => {
        artifacts.push({ name, content });
        return { name, sha256: 'x', size: content.length, contentType: 'application/json' };
      },
    } as unknown as TaskContext;
    return { ctx, artifacts };
  };
  const executor = () =>
    new RetrievalReindexExecutor(new ServiceClient({ baseUrl: base, service: 'retrieval', headers: ({ clientId }) => ({ 'x-test-scope': clientId }) }));

  it("asks retrieval to reindex the task's client (and module) and records its answer", async () => {
    const { ctx, artifacts } = context({ clientId: 'acme-health', module: 'contracts' });
    const outcome = await executor().run(ctx);
    expect(seen.at(-1)).toEqual({ method: 'POST', url: '/v1/search/reindex', body: { clientId: 'acme-health', module: 'contracts' }, identity: 'acme-health' });
    expect(outcome.result).toEqual({ status: 200, reindex: answer.body });
    expect(artifacts.map((a) => [a.name, JSON.parse(a.content)])).toEqual([['reindex-result.json', answer.body]]);
  });

  it('fails the task on an answer that breaks the contract, and on a refusal', async () => {
    answer = { status: 200, body: { documents: -1 } };
    await expect(executor().run(context({ clientId: 'acme-health' }).ctx)).rejects.toThrow();
    answer = { status: 403, body: { type: 'about:blank', title: 'Forbidden', status: 403, code: 'FORBIDDEN' } };
    await expect(executor().run(context({ clientId: 'acme-health' }).ctx)).rejects.toThrow();
  });
});
