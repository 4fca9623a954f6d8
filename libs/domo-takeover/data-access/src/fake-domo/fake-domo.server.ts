import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DomoColumn } from '@leaf/domo-takeover/domain';

export interface FakeDomoDataset {
  readonly id: string;
  readonly name: string;
  readonly columns: readonly DomoColumn[];
  readonly csv: string;
  readonly dataCurrentAt?: string;
}

export interface FakeDomoFault {
  /** Matches the request path (query excluded). */
  readonly path: string | RegExp;
  readonly status: number;
  readonly retryAfter?: string;
}

/**
 * A local stand-in for the Domo Platform API speaking its wire shapes: `/oauth/token` with Basic
 * client credentials, `/v1/datasets` paged by offset/limit, `/v1/datasets/{id}` with its schema,
 * and `/v1/datasets/{id}/data` as text/csv sent in small chunks. Faults queued with `fail` answer
 * the next matching requests (429 with Retry-After, 5xx, 401). The local stack serves its
 * synthetic Domo with it (so the embedded takeover goes through the same API client as against
 * Domo), and specs use it to test that client; it listens on the loopback interface only.
 */
export class FakeDomoServer {
  readonly requests: { path: string; authorization: string | undefined }[] = [];
  private readonly faults: FakeDomoFault[] = [];
  private readonly tokens = new Set<string>();
  private server: Server | undefined;
  private issued = 0;
  private readonly rowCounts = new WeakMap<FakeDomoDataset, number>();

  constructor(
    readonly datasets: FakeDomoDataset[],
    readonly credentials = { clientId: 'leaf-domo-client', clientSecret: 'fake-domo-secret-value' },
  ) {}

  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('fake Domo server not started');
    return `http://127.0.0.1:${address.port}`;
  }

  fail(fault: FakeDomoFault): void {
    this.faults.push(fault);
  }

  /** Forgets every issued token, as a revocation would. */
  revokeTokens(): void {
    this.tokens.clear();
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://domo.local');
    this.requests.push({ path: url.pathname, authorization: req.headers.authorization });
    const fault = this.faults.findIndex((f) => (typeof f.path === 'string' ? f.path === url.pathname : f.path.test(url.pathname)));
    if (fault >= 0) {
      const [f] = this.faults.splice(fault, 1);
      if (f)
        return json(
          res,
          f.status,
          { status: f.status, statusReason: 'injected', message: 'injected fault' },
          f.retryAfter ? { 'retry-after': f.retryAfter } : {},
        );
    }
    if (url.pathname === '/oauth/token') return this.token(req, url, res);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (bearer === undefined || !this.tokens.has(bearer))
      return json(res, 401, { status: 401, statusReason: 'Unauthorized', message: 'Full authentication is required' });

    if (url.pathname === '/v1/datasets') {
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const limit = Number(url.searchParams.get('limit') ?? 50);
      const sorted = [...this.datasets].sort((a, b) => a.name.localeCompare(b.name));
      return json(
        res,
        200,
        sorted.slice(offset, offset + limit).map((d) => this.summary(d)),
      );
    }
    const match = /^\/v1\/datasets\/([^/]+)(\/data)?$/.exec(url.pathname);
    const dataset = match ? this.datasets.find((d) => d.id === decodeURIComponent(match[1] ?? '')) : undefined;
    if (!match || !dataset) return json(res, 404, { status: 404, statusReason: 'Not Found', message: 'Not Found' });
    if (!match[2]) return json(res, 200, { ...this.summary(dataset), description: '', schema: { columns: dataset.columns } });
    const includeHeader = url.searchParams.get('includeHeader') === 'true';
    const header = dataset.columns.map((c) => c.name).join(',') + '\n';
    const body = Buffer.from((includeHeader ? header : '') + dataset.csv);
    res.writeHead(200, { 'content-type': 'text/csv;charset=UTF-8' });
    // Small writes so the client really reads a stream.
    for (let at = 0; at < body.length; at += 4096) {
      if (!res.write(body.subarray(at, at + 4096))) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  }

  private token(req: IncomingMessage, url: URL, res: ServerResponse): void {
    const expected = `Basic ${Buffer.from(`${this.credentials.clientId}:${this.credentials.clientSecret}`).toString('base64')}`;
    if (req.headers.authorization !== expected || url.searchParams.get('grant_type') !== 'client_credentials') {
      return json(res, 401, { status: 401, statusReason: 'Unauthorized', message: 'Bad credentials' });
    }
    const token = `fake-access-token-${++this.issued}`;
    this.tokens.add(token);
    json(res, 200, {
      access_token: token,
      token_type: 'bearer',
      expires_in: 3599,
      scope: url.searchParams.get('scope') ?? 'data',
      customer: 'leaf',
      env: 'prod',
      userId: 1,
      role: 'Admin',
      jti: `jti-${this.issued}`,
    });
  }

  private summary(d: FakeDomoDataset) {
    let rows = this.rowCounts.get(d);
    if (rows === undefined) this.rowCounts.set(d, (rows = d.csv === '' ? 0 : d.csv.trimEnd().split('\n').length));
    return {
      id: d.id,
      name: d.name,
      rows,
      columns: d.columns.length,
      owner: { id: 1, name: 'Domo Admin' },
      createdAt: '2024-01-02T03:04:05Z',
      updatedAt: d.dataCurrentAt ?? '2024-07-01T00:00:00Z',
      ...(d.dataCurrentAt ? { dataCurrentAt: d.dataCurrentAt } : {}),
    };
  }
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
  res.end(JSON.stringify(body));
}
