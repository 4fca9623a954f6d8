import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the fake received it (for assertions on what the client sent). */
export interface FakeSearchRequest {
  method: string;
  path: string;
  apiVersion: string | null;
  body: Record<string, unknown> | null;
}

type Doc = Record<string, unknown>;

interface FakeIndex {
  definition: Record<string, unknown>;
  key: string;
  searchable: string[];
  vectorField: string | null;
  hidden: Set<string>;
  docs: Map<string, Doc>;
}

type Predicate = (doc: Doc) => boolean;

/**
 * A local HTTP server speaking the Azure AI Search REST shapes `@azure/search-documents` uses:
 * `PUT /indexes('{name}')` (create or update; answers the definition, 201 then 200),
 * `POST /indexes('{name}')/docs/search.index` (`@search.action` upload, merge, mergeOrUpload,
 * delete; per-document `status`/`statusCode`, 207 when some failed) and
 * `POST /indexes('{name}')/docs/search.post.search` (`search`, `searchMode`, `filter`, `select`,
 * `top`, `skip`, `vectorQueries` with `kind: vector`, `k`, `fields`, and `vectorFilterMode`).
 * Every call needs `api-version` and the `api-key`. The OData filter understands what retrieval
 * sends: `search.in(f, 'a,b', ',')`, `f eq 'x'`, `f eq n`, `f le n`, joined by `and`. Keyword
 * scoring is a small BM25 over the searchable fields; vector search is exact cosine, filtered
 * before (preFilter, the default) or after (postFilter) the k nearest. Search text and a vector
 * query together are fused by reciprocal rank (k = 60), as the service does.
 */
export class FakeAzureSearchServer {
  readonly apiKey = randomBytes(16).toString('hex');
  readonly requests: FakeSearchRequest[] = [];
  private readonly indexes = new Map<string, FakeIndex>();
  private failures: Array<{ status: number; retryAfter?: number }> = [];
  private documentFailures: Array<{ key: string; statusCode: number }> = [];
  private server?: Server;
  url = '';

  static async start(): Promise<FakeAzureSearchServer> {
    const fake = new FakeAzureSearchServer();
    fake.server = createServer((req, res) => void fake.handle(req, res));
    await new Promise<void>((r) => fake.server!.listen(0, '127.0.0.1', r));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  /** The next `count` requests answer `status` (e.g. 503 with Retry-After) before anything else. */
  failNext(count: number, status: number, retryAfter?: number): void {
    for (let i = 0; i < count; i++) this.failures.push({ status, retryAfter });
  }

  /** The next indexing batch that holds `key` reports it failed with `statusCode` (once). */
  failDocument(key: string, statusCode: number): void {
    this.documentFailures.push({ key, statusCode });
  }

  documents(index: string): Doc[] {
    return [...(this.indexes.get(index)?.docs.values() ?? [])];
  }

  indexDefinition(index: string): Record<string, unknown> | undefined {
    return this.indexes.get(index)?.definition;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const raw = await new Promise<string>((r) => {
      let s = '';
      req.on('data', (c: Buffer) => (s += c.toString()));
      req.on('end', () => r(s));
    });
    let body: Record<string, unknown> | null = null;
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
    } catch {
      return this.error(res, 400, 'The request is invalid. The request body is not valid JSON.');
    }
    this.requests.push({ method: req.method ?? 'GET', path: decodeURIComponent(url.pathname), apiVersion: url.searchParams.get('api-version'), body });
    if (req.headers['api-key'] !== this.apiKey) return this.error(res, 403, 'Authorization failed: the api-key is missing or wrong.');
    if (!url.searchParams.get('api-version')) return this.error(res, 400, "The request is invalid. 'api-version' is a required parameter.");
    const failure = this.failures.shift();
    if (failure) {
      if (failure.retryAfter !== undefined) res.setHeader('retry-after', String(failure.retryAfter));
      return this.error(res, failure.status, 'Service is busy; try again.');
    }
    const path = decodeURIComponent(url.pathname);
    const m = /^\/indexes\('([^']+)'\)(\/docs\/(search\.index|search\.post\.search))?$/.exec(path);
    if (!m) return this.error(res, 404, `No route for ${req.method} ${path}`);
    const [, name, , op] = m as unknown as [string, string, string | undefined, string | undefined];
    if (!op && req.method === 'PUT') return this.putIndex(res, name, body ?? {});
    const index = this.indexes.get(name);
    if (!index) return this.error(res, 404, `The index '${name}' for service was not found.`);
    if (op === 'search.index' && req.method === 'POST') return this.indexDocuments(res, index, body ?? {});
    if (op === 'search.post.search' && req.method === 'POST') return this.search(res, index, body ?? {});
    return this.error(res, 405, 'Method not allowed');
  }

  private putIndex(res: ServerResponse, name: string, definition: Record<string, unknown>) {
    const fields = (definition['fields'] as Array<Record<string, unknown>> | undefined) ?? [];
    const key = fields.find((f) => f['key'] === true)?.['name'];
    if (typeof key !== 'string') return this.error(res, 400, 'The request is invalid. The index must contain exactly one key field.');
    const existed = this.indexes.get(name);
    this.indexes.set(name, {
      definition,
      key,
      searchable: fields.filter((f) => f['searchable'] === true && f['type'] === 'Edm.String').map((f) => String(f['name'])),
      vectorField: (fields.find((f) => f['type'] === 'Collection(Edm.Single)')?.['name'] as string | undefined) ?? null,
      hidden: new Set(fields.filter((f) => f['retrievable'] === false).map((f) => String(f['name']))),
      docs: existed?.docs ?? new Map(),
    });
    this.json(res, existed ? 200 : 201, { '@odata.context': `${this.url}/$metadata#indexes/$entity`, ...definition });
  }

  private indexDocuments(res: ServerResponse, index: FakeIndex, body: Record<string, unknown>) {
    const actions = (body['value'] as Doc[] | undefined) ?? [];
    if (actions.length > 1000) return this.error(res, 413, 'The request is too large: at most 1000 documents per batch.');
    const results = actions.map((a) => {
      const { '@search.action': action = 'upload', ...doc } = a as Doc & { '@search.action'?: string };
      const key = String(doc[index.key] ?? '');
      if (!/^[A-Za-z0-9_\-=]+$/.test(key)) return { key, status: false, errorMessage: 'Invalid document key', statusCode: 400 };
      const failure = this.documentFailures.findIndex((f) => f.key === key);
      if (failure >= 0) {
        const [f] = this.documentFailures.splice(failure, 1);
        return { key, status: false, errorMessage: 'The document could not be indexed right now.', statusCode: f!.statusCode };
      }
      const existing = index.docs.get(key);
      switch (action) {
        case 'delete':
          index.docs.delete(key);
          return { key, status: true, errorMessage: null, statusCode: 200 };
        case 'merge':
          if (!existing) return { key, status: false, errorMessage: 'Document not found.', statusCode: 404 };
          index.docs.set(key, { ...existing, ...doc });
          return { key, status: true, errorMessage: null, statusCode: 200 };
        case 'mergeOrUpload':
          index.docs.set(key, { ...(existing ?? {}), ...doc });
          return { key, status: true, errorMessage: null, statusCode: existing ? 200 : 201 };
        default:
          index.docs.set(key, doc);
          return { key, status: true, errorMessage: null, statusCode: existing ? 200 : 201 };
      }
    });
    this.json(res, results.every((r) => r.status) ? 200 : 207, { value: results });
  }

  private search(res: ServerResponse, index: FakeIndex, body: Record<string, unknown>) {
    let where: Predicate;
    try {
      where = parseFilter(typeof body['filter'] === 'string' ? body['filter'] : '');
    } catch (error) {
      return this.error(res, 400, `Invalid expression: ${(error as Error).message}`);
    }
    const top = typeof body['top'] === 'number' ? body['top'] : 50;
    const skip = typeof body['skip'] === 'number' ? body['skip'] : 0;
    const text = typeof body['search'] === 'string' ? body['search'] : '*';
    const vectorQueries = (body['vectorQueries'] as Array<Record<string, unknown>> | undefined) ?? [];
    const all = [...index.docs.values()];
    const rankings: Array<Array<{ doc: Doc; score: number }>> = [];
    const filtered = all.filter(where);

    if (text.trim() && text.trim() !== '*') rankings.push(this.keyword(index, filtered, all, text, body['searchMode'] === 'all'));
    for (const vq of vectorQueries) {
      if (vq['kind'] !== 'vector' || !Array.isArray(vq['vector'])) return this.error(res, 400, 'Only vector queries of kind "vector" are supported here.');
      const field = String(vq['fields'] ?? '');
      if (field !== index.vectorField) return this.error(res, 400, `Unknown vector field '${field}'.`);
      const k = typeof vq['k'] === 'number' ? vq['k'] : 50;
      const q = vq['vector'] as number[];
      const pool = body['vectorFilterMode'] === 'postFilter' ? all : filtered;
      let nearest = pool
        .filter((d) => Array.isArray(d[field]))
        .map((d) => ({ doc: d, score: cosine(q, d[field] as number[]) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, k);
      if (body['vectorFilterMode'] === 'postFilter') nearest = nearest.filter((h) => where(h.doc));
      rankings.push(nearest);
    }
    let hits: Array<{ doc: Doc; score: number }>;
    if (rankings.length === 0) hits = filtered.map((doc) => ({ doc, score: 1 }));
    else if (rankings.length === 1) hits = rankings[0]!;
    else {
      const fused = new Map<Doc, number>();
      for (const r of rankings) r.forEach((h, i) => fused.set(h.doc, (fused.get(h.doc) ?? 0) + 1 / (60 + i + 1)));
      hits = [...fused].map(([doc, score]) => ({ doc, score })).sort((a, b) => b.score - a.score);
    }
    const select = typeof body['select'] === 'string' && body['select'] !== '*' ? body['select'].split(',').map((s) => s.trim()) : null;
    const value = hits.slice(skip, skip + top).map((h) => {
      const shown = Object.fromEntries(Object.entries(h.doc).filter(([k]) => !index.hidden.has(k) && (!select || select.includes(k))));
      return { '@search.score': h.score, ...shown };
    });
    this.json(res, 200, { value });
  }

  private keyword(index: FakeIndex, filtered: Doc[], all: Doc[], text: string, allTerms: boolean) {
    const terms = tokens(text);
    const docTokens = (d: Doc) => tokens(index.searchable.map((f) => String(d[f] ?? '')).join(' '));
    const df = new Map<string, number>();
    for (const d of all) for (const t of new Set(docTokens(d))) df.set(t, (df.get(t) ?? 0) + 1);
    const n = Math.max(1, all.length);
    return filtered
      .map((doc) => {
        const words = docTokens(doc);
        const matched = terms.filter((t) => words.includes(t));
        if (!matched.length || (allTerms && matched.length < terms.length)) return null;
        const score = matched.reduce((s, t) => {
          const tf = words.filter((w) => w === t).length;
          const idf = Math.log(1 + (n - (df.get(t) ?? 0) + 0.5) / ((df.get(t) ?? 0) + 0.5));
          return s + idf * ((tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * words.length) / 20)));
        }, 0);
        return { doc, score };
      })
      .filter((h): h is { doc: Doc; score: number } => h !== null)
      .sort((a, b) => b.score - a.score);
  }

  private json(res: ServerResponse, status: number, body: unknown) {
    res.writeHead(status, { 'content-type': 'application/json; odata.metadata=none; charset=utf-8', 'request-id': randomBytes(8).toString('hex') });
    res.end(JSON.stringify(body));
  }

  private error(res: ServerResponse, status: number, message: string) {
    this.json(res, status, { error: { code: '', message } });
  }
}

/** Lower-case words with a crude English stem (plural s): enough for `en.lucene`-like matching in specs. */
function tokens(s: string): string[] {
  return (s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w));
}

function cosine(a: number[], b: number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * (b[i] ?? 0);
    na += a[i]! * a[i]!;
    nb += (b[i] ?? 0) * (b[i] ?? 0);
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}

/** The OData subset retrieval sends; anything else is a 400, as the service answers an invalid filter. */
export function parseFilter(filter: string): Predicate {
  if (!filter.trim()) return () => true;
  const parts = filter.split(/\s+and\s+(?=(?:[^']*'[^']*')*[^']*$)/);
  const predicates = parts.map((p): Predicate => {
    const part = p.trim();
    let m = /^search\.in\((\w+),\s*'((?:[^']|'')*)'(?:,\s*'([^']*)')?\)$/.exec(part);
    if (m) {
      const values = new Set(m[2]!.replace(/''/g, "'").split(m[3] ?? /[\s,]+/));
      const field = m[1]!;
      return (d) => values.has(String(d[field]));
    }
    m = /^(\w+) (eq|ne|le|lt|ge|gt) (?:'((?:[^']|'')*)'|(-?\d+(?:\.\d+)?))$/.exec(part);
    if (m) {
      const [, field, op, str, num] = m as unknown as [string, string, string, string | undefined, string | undefined];
      const value: string | number = str !== undefined ? str.replace(/''/g, "'") : Number(num);
      return (d) => {
        const v = d[field] as string | number;
        switch (op) {
          case 'eq':
            return v === value;
          case 'ne':
            return v !== value;
          case 'le':
            return v <= value;
          case 'lt':
            return v < value;
          case 'ge':
            return v >= value;
          default:
            return v > value;
        }
      };
    }
    throw new Error(`unsupported filter clause "${part}"`);
  });
  return (d) => predicates.every((p) => p(d));
}
