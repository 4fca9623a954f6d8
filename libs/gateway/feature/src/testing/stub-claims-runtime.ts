import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Identity } from '@leaf/contracts';
import { IdentityVerifier, internalIdentityKeyBytes } from '@leaf/platform';

export interface StubCall {
  method: string;
  url: string;
  identity: Identity | null;
  requestId: string | undefined;
  traceparent: string | undefined;
  idempotencyKey: string | undefined;
  body: string;
}

export const stubArtifact = Buffer.alloc(3 * 1024 * 1024 + 17, 7).map((_, i) => i % 251);
const run = (clientId: string, runId: string) => ({
  runId,
  clientId,
  periodId: 'p-2025',
  status: 'queued',
  progress: 0,
  stage: 'queued',
  requestedBy: 'x',
  createdAt: new Date(0).toISOString(),
  completedAt: null,
  error: null,
  inputsSha256: null,
  summary: null,
  buckets: [],
  artifacts: [],
});

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
  });

/**
 * claims-runtime (and agent-dispatcher's task create) as the gateway sees it over HTTP, for the gateway's edge behaviour (the local
 * stack spec runs the real one): it verifies the signed identity like every service does and
 * records what arrived, so a spec can prove what the gateway forwarded and what it never did.
 */
export interface StubClaimsRuntime {
  url: string;
  calls: StubCall[];
  /** Holds requests to `path` until the returned function is called. */
  hold(path: string): () => void;
  close(): Promise<void>;
}

export async function startStubClaimsRuntime(): Promise<StubClaimsRuntime> {
  const verifier = new IdentityVerifier(internalIdentityKeyBytes(undefined));
  const calls: StubCall[] = [];
  let started = 0;
  // Like claims-runtime: one run per client and Idempotency-Key.
  const runsByKey = new Map<string, string>();
  // Requests to these paths wait until released: a gateway request held in flight.
  const held = new Map<string, Array<() => void>>();
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const token = req.headers['x-leaf-identity'];
    const verified = typeof token === 'string' ? await verifier.verify(token) : null;
    const identity = verified && 'identity' in verified ? verified.identity : null;
    const url = req.url ?? '/';
    const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
    calls.push({
      method: req.method ?? '',
      url,
      identity,
      requestId: req.headers['x-request-id'] as string | undefined,
      traceparent: req.headers['traceparent'] as string | undefined,
      idempotencyKey,
      body,
    });
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) =>
      res
        .writeHead(status, { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json', server: 'kestrel-internal', ...headers })
        .end(JSON.stringify(value));
    if (!identity) return json(401, { code: 'UNAUTHENTICATED' });
    const path = url.split('?')[0];
    let m: RegExpExecArray | null;
    // agent-dispatcher's create, for specs that need one more door to the same work.
    if (path === '/v1/tasks' && req.method === 'POST') {
      const taskId = `tsk_${String(++started).padStart(26, '0')}`;
      return json(201, { taskId, ...(JSON.parse(body) as object) }, { location: `/v1/tasks/${taskId}` });
    }
    if (path === '/v1/clients') return json(200, { items: ['client-a', 'client-b'].map((clientId) => ({ clientId, name: clientId, periods: [] })) });
    if ((m = /^\/v1\/clients\/([^/]+)\/guarantees$/.exec(path))) {
      if (m[1] === 'client-boom') {
        return res
          .writeHead(500, { 'content-type': 'text/plain' })
          .end('TypeError at /srv/app/dist/main.js:12 connecting to db-internal.leaf.svc.cluster.local:5432');
      }
      return json(200, { clientId: m[1], items: [] });
    }
    if ((m = /^\/v1\/clients\/([^/]+)\/reconciliations$/.exec(path)) && req.method === 'POST') {
      const waiters = held.get(path);
      if (waiters) await new Promise<void>((r) => waiters.push(r));
      if ((JSON.parse(body) as { periodId?: string }).periodId === 'p-missing')
        return json(404, { code: 'NOT_FOUND', status: 404, detail: 'no such contract period' });
      const keyed = idempotencyKey ? runsByKey.get(`${m[1]}\n${idempotencyKey}`) : undefined;
      const runId = keyed ?? `rec_${String(++started).padStart(26, '0')}`;
      if (idempotencyKey) runsByKey.set(`${m[1]}\n${idempotencyKey}`, runId);
      return json(202, run(m[1], runId), { location: `/v1/clients/${m[1]}/reconciliations/${runId}` });
    }
    if ((m = /^\/v1\/clients\/([^/]+)\/reconciliations\/([^/]+)\/findings$/.exec(path))) {
      const cursor = new URL(url, 'http://x').searchParams.get('cursor');
      return json(200, { items: [], nextCursor: cursor ? null : 'c2' });
    }
    if ((m = /^\/v1\/clients\/([^/]+)\/reconciliations\/([^/]+)\/artifacts\/([^/]+)$/.exec(path))) {
      res.writeHead(200, {
        'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        'content-length': String(stubArtifact.length),
        etag: '"abc"',
        // As claims-runtime names a download: client, period, run (the path keeps the artifact name).
        'content-disposition': `attachment; filename="reconciliation-${m[1]}-p-2025-${m[2]}${(m[3] ?? '').replace(/^reconciliation/, '')}"`,
        server: 'kestrel-internal',
        'x-internal-host': 'claims-runtime-7d9f.leaf.svc',
      });
      // Written in chunks with pauses: the gateway must pass them on as they come.
      for (let i = 0; i < stubArtifact.length; i += 256 * 1024) {
        res.write(stubArtifact.subarray(i, i + 256 * 1024));
        await new Promise((r) => setTimeout(r, 2));
      }
      return res.end();
    }
    if ((m = /^\/v1\/clients\/([^/]+)\/reconciliations\/([^/]+)$/.exec(path))) {
      // A run whose failure text was written for operators: addresses, a path, SQL.
      if (m[1] === 'client-leaky') {
        return json(200, {
          ...run(m[1], m[2]),
          status: 'failed',
          error: { code: 'SOURCE_FAILED', detail: 'connect ECONNREFUSED 10.0.3.17:1433 (db-claims.leaf.svc.cluster.local) reading /srv/app/.data/x' },
          note: 'SELECT claim_id FROM claims WHERE client_id = @0',
        });
      }
      return json(200, run(m[1], m[2]));
    }
    return json(404, { code: 'NOT_FOUND' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    calls,
    hold: (path) => {
      held.set(path, []);
      return () => {
        const waiters = held.get(path) ?? [];
        held.delete(path);
        for (const release of waiters) release();
      };
    },
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
