import { createVerify, randomBytes, X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSelfSignedIdentity, trustCertificate } from './self-signed-tls';
import { matches, parseSoql, SoqlError, type SoqlQuery } from './soql';
import { sfDateTime, SyntheticOrg, type FakeRecord, type FakeSObject, type SyntheticOrgOptions } from './synthetic-org';

export interface FakeSalesforceOptions extends SyntheticOrgOptions {
  /** Records per REST query page before `nextRecordsUrl` (Salesforce: 2,000; small here so queryMore is exercised). */
  queryPageSize?: number;
  /** Rows per Bulk API 2.0 results page before `Sforce-Locator`. */
  bulkPageSize?: number;
  /** The org's daily API request allocation reported in `Sforce-Limit-Info`. */
  dailyApiLimit?: number;
  /** Fixed port (a developer's long-running fake); default: any free port. */
  port?: number;
  /** Fixed client id and secret (so a restarted fake keeps the stack's settings valid); default: random. */
  clientId?: string;
  clientSecret?: string;
  /**
   * The certificate (PEM) uploaded to the connected app for the JWT bearer flow: assertions must be
   * signed RS256 with its private key. Unset: the JWT grant is refused as for an app without one.
   */
  jwtCertificate?: string;
  /** The integration user the JWT flow may name in `sub` (pre-authorized for the connected app). */
  username?: string;
}

export interface FakeSalesforceRequest {
  method: string;
  path: string;
  /** For a query: the SOQL. */
  soql?: string;
}

interface BulkJob {
  id: string;
  operation: 'query' | 'queryAll';
  object: string;
  header: string[];
  rows: string[][];
  checks: number;
  createdDate: string;
}

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const apiPath = /^\/services\/data\/v(\d+\.\d)(\/.*)$/;
const json = 'application/json;charset=UTF-8';

/** One CSV cell as Bulk API 2.0 writes it: always quoted, quotes doubled, null empty. */
const csvCell = (v: FakeRecord[string] | undefined): string => (v === null || v === undefined ? '' : `"${String(v).replace(/"/g, '""')}"`);

/**
 * A local HTTPS server speaking the Salesforce wire shapes a read-only mirror uses, so jsforce
 * talks to it unmodified: the OAuth 2.0 token endpoint (client credentials, and the JWT bearer grant verified against the connected app's certificate); REST `query` /
 * `queryAll` paged with `nextRecordsUrl`; `sobjects/{type}/describe`; `updated` / `deleted`
 * (getUpdated / getDeleted, `INVALID_REPLICATION_DATE` before the Recycle Bin's horizon);
 * `sobjects/ContentVersion/{id}/VersionData`; `limits`; Bulk API 2.0 query jobs (create, poll,
 * CSV results paged by `Sforce-Locator`). Every answer carries `Sforce-Limit-Info`; a request
 * over the allocation (or one of `exceedLimit(n)`) gets `403 REQUEST_LIMIT_EXCEEDED`. The
 * certificate is generated per run and trusted only inside this process.
 */
export class FakeSalesforceServer {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly orgId = '00D000000000001AAA';
  readonly requests: FakeSalesforceRequest[] = [];
  /** Every access token handed out: what must never leak. */
  readonly issuedTokens: string[] = [];
  apiUsage = 0;
  dailyApiLimit: number;
  private limitRefusals = 0;
  private readonly cursors = new Map<string, { type: string; records: Array<Record<string, unknown>>; version: string }>();
  private readonly jobs = new Map<string, BulkJob>();
  private readonly queryPageSize: number;
  private readonly bulkPageSize: number;
  private readonly jwtCertificate: X509Certificate | undefined;
  readonly username: string;

  private constructor(
    private readonly server: Server,
    readonly port: number,
    readonly certificate: string,
    private readonly untrust: () => void,
    readonly org: SyntheticOrg,
    options: FakeSalesforceOptions,
  ) {
    this.queryPageSize = options.queryPageSize ?? 200;
    this.bulkPageSize = options.bulkPageSize ?? 500;
    this.dailyApiLimit = options.dailyApiLimit ?? 100_000;
    this.clientId = options.clientId ?? `3MVG9${randomBytes(12).toString('hex')}`;
    this.clientSecret = options.clientSecret ?? randomBytes(24).toString('hex');
    this.jwtCertificate = options.jwtCertificate ? new X509Certificate(options.jwtCertificate) : undefined;
    this.username = options.username ?? 'integration@leaf-fake-org.example';
  }

  static async start(options: FakeSalesforceOptions = {}): Promise<FakeSalesforceServer> {
    const tls = await createSelfSignedIdentity('leaf-fake-salesforce');
    const untrust = trustCertificate(tls.cert);
    const ready: { fake?: FakeSalesforceServer } = {};
    const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => void ready.fake?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
    ready.fake = new FakeSalesforceServer(server, (server.address() as AddressInfo).port, tls.cert, untrust, new SyntheticOrg(options), options);
    return ready.fake;
  }

  /** `https://127.0.0.1:<port>`: the login host and the instance. */
  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  /** The next `n` API requests are refused with REQUEST_LIMIT_EXCEEDED. */
  exceedLimit(n: number): void {
    this.limitRefusals = n;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.untrust();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const record: FakeSalesforceRequest = { method: req.method ?? 'GET', path: url.pathname };
    this.requests.push(record);
    try {
      const body = await readBody(req);
      if (url.pathname === '/services/oauth2/token' && req.method === 'POST') return this.token(body, res);
      const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
      if (!auth || !this.issuedTokens.includes(auth[1])) return this.errors(res, 401, 'INVALID_SESSION_ID', 'Session expired or invalid');
      this.apiUsage++;
      if (this.limitRefusals > 0 || this.apiUsage > this.dailyApiLimit) {
        this.limitRefusals = Math.max(0, this.limitRefusals - 1);
        return this.errors(res, 403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
      }
      const api = apiPath.exec(url.pathname);
      if (!api) return this.errors(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
      const [, version, rest] = api;
      let m: RegExpExecArray | null;
      if ((rest === '/query' || rest === '/queryAll' || rest === '/query/' || rest === '/queryAll/') && req.method === 'GET') {
        record.soql = url.searchParams.get('q') ?? '';
        return this.query(version, record.soql, rest.startsWith('/queryAll'), res);
      }
      if ((m = /^\/query(?:All)?\/([\w]+-\d+)$/.exec(rest))) return this.queryMore(version, m[1], res);
      if ((m = /^\/sobjects\/(\w+)\/describe\/?$/.exec(rest))) return this.describe(m[1], res);
      if ((m = /^\/sobjects\/(\w+)\/(updated|deleted)\/?$/.exec(rest))) return this.replication(m[1], m[2] as 'updated' | 'deleted', url.searchParams, res);
      if ((m = /^\/sobjects\/ContentVersion\/(\w+)\/VersionData$/.exec(rest))) return this.versionData(m[1], res);
      if (rest === '/limits' || rest === '/limits/')
        return this.send(res, 200, { DailyApiRequests: { Max: this.dailyApiLimit, Remaining: Math.max(0, this.dailyApiLimit - this.apiUsage) } });
      if (rest === '/jobs/query' && req.method === 'POST') return this.createJob(body, res, record);
      if ((m = /^\/jobs\/query\/(\w+)$/.exec(rest))) return req.method === 'DELETE' ? this.deleteJob(m[1], res) : this.jobInfo(m[1], res);
      if ((m = /^\/jobs\/query\/(\w+)\/results$/.exec(rest))) return this.jobResults(m[1], url.searchParams, res);
      return this.errors(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
    } catch (e) {
      if (e instanceof SoqlError) return this.errors(res, 400, e.errorCode, e.message);
      return this.errors(res, 500, 'UNKNOWN_EXCEPTION', (e as Error).message);
    }
  }

  private token(body: string, res: ServerResponse): void {
    const form = new URLSearchParams(body);
    const grant = form.get('grant_type');
    if (grant === JWT_BEARER) {
      const refusal = this.refuseAssertion(form.get('assertion') ?? '');
      if (refusal) return this.send(res, 400, refusal);
      return this.issueToken(res, false);
    }
    if (grant !== 'client_credentials') return this.send(res, 400, { error: 'unsupported_grant_type', error_description: 'grant type not supported' });
    if (form.get('client_id') !== this.clientId || form.get('client_secret') !== this.clientSecret)
      return this.send(res, 400, { error: 'invalid_client', error_description: 'invalid client credentials' });
    this.issueToken(res, true);
  }

  /**
   * Checks a JWT bearer assertion as Salesforce does, answering with its error bodies: the consumer
   * key (iss), the RS256 signature against the connected app's certificate, the audience (this
   * login host), the expiry (at most three minutes ahead), and the user (sub).
   */
  private refuseAssertion(assertion: string): { error: string; error_description: string } | null {
    const invalid = { error: 'invalid_grant', error_description: 'invalid assertion' };
    const parts = assertion.split('.');
    if (parts.length !== 3) return invalid;
    let header: { alg?: unknown };
    let claims: { iss?: unknown; sub?: unknown; aud?: unknown; exp?: unknown };
    try {
      header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as typeof header;
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return invalid;
    }
    if (claims.iss !== this.clientId) return { error: 'invalid_client_id', error_description: 'client identifier invalid' };
    if (header.alg !== 'RS256' || !this.jwtCertificate) return invalid;
    const signed = createVerify('RSA-SHA256').update(`${parts[0]}.${parts[1]}`).verify(this.jwtCertificate.publicKey, Buffer.from(parts[2], 'base64url'));
    if (!signed) return invalid;
    const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!audiences.some((a) => typeof a === 'string' && a.replace(/\/+$/, '') === this.url))
      return { error: 'invalid_grant', error_description: 'audience is invalid' };
    const nowSeconds = Date.now() / 1000;
    if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return { error: 'invalid_grant', error_description: 'expired authorization code' };
    if (claims.exp > nowSeconds + 3 * 60 + 5) return { error: 'invalid_grant', error_description: 'invalid assertion' };
    if (claims.sub !== this.username) return { error: 'invalid_grant', error_description: "user hasn't approved this consumer" };
    return null;
  }

  /** A session, as the token endpoint answers (the JWT flow's answer has no signature). */
  private issueToken(res: ServerResponse, signature: boolean): void {
    const token = `${this.orgId}!${randomBytes(32).toString('base64url')}`;
    this.issuedTokens.push(token);
    this.send(res, 200, {
      access_token: token,
      ...(signature ? { signature: randomBytes(32).toString('base64') } : {}),
      scope: 'api',
      instance_url: this.url,
      id: `${this.url}/id/${this.orgId}/005000000000001AAA`,
      token_type: 'Bearer',
      issued_at: String(Date.now()),
    });
  }

  private sobject(name: string): FakeSObject {
    const o = this.org.object(name);
    if (!o) throw new SoqlError('INVALID_TYPE', `sObject type '${name}' is not supported.`);
    return o;
  }

  /** Runs a parsed query against the org: matching records (deleted ones too for queryAll), ordered, limited. */
  private select(q: SoqlQuery, all: boolean): { o: FakeSObject; rows: FakeRecord[] } {
    const o = this.sobject(q.object);
    for (const field of [...q.fields, ...q.where.map((w) => w.field), ...(q.orderBy ? [q.orderBy.field] : [])]) {
      if (!o.fields.some((f) => f.name === field))
        throw new SoqlError(
          'INVALID_FIELD',
          `No such column '${field}' on entity '${o.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.`,
        );
    }
    let rows = [...o.records.values(), ...(all ? [...o.deleted.values()].map((d) => d.record) : [])].filter((r) => matches(r, q.where));
    const order = q.orderBy ?? { field: 'Id', desc: false };
    rows.sort((a, b) => {
      const x = String(a[order.field] ?? '');
      const y = String(b[order.field] ?? '');
      return (x < y ? -1 : x > y ? 1 : 0) * (order.desc ? -1 : 1);
    });
    if (q.limit !== undefined) rows = rows.slice(0, q.limit);
    return { o, rows };
  }

  /** A record as REST returns it: `attributes`, then the selected fields, datetimes in `+0000` form. */
  private restRecord(o: FakeSObject, r: FakeRecord, fields: readonly string[], version: string): Record<string, unknown> {
    const out: Record<string, unknown> = { attributes: { type: o.name, url: `/services/data/v${version}/sobjects/${o.name}/${String(r['Id'])}` } };
    for (const field of fields) {
      const type = o.fields.find((f) => f.name === field)?.type;
      const v = r[field] ?? null;
      out[field] =
        type === 'datetime' && typeof v === 'string'
          ? sfDateTime(v)
          : field === 'VersionData' && v === null
            ? `/services/data/v${version}/sobjects/ContentVersion/${String(r['Id'])}/VersionData`
            : v;
    }
    return out;
  }

  private query(version: string, soql: string, all: boolean, res: ServerResponse): void {
    const q = parseSoql(soql);
    const { o, rows } = this.select(q, all);
    if (q.count) return this.send(res, 200, { totalSize: rows.length, done: true, records: [] });
    const records = rows.map((r) => this.restRecord(o, r, q.fields, version));
    this.page(version, `01g${randomBytes(8).toString('hex')}`, o.name, records, 0, res);
  }

  private page(version: string, cursor: string, type: string, records: Array<Record<string, unknown>>, offset: number, res: ServerResponse): void {
    const end = offset + this.queryPageSize;
    const done = end >= records.length;
    if (!done) this.cursors.set(cursor, { type, records, version });
    else this.cursors.delete(cursor);
    this.send(res, 200, {
      totalSize: records.length,
      done,
      ...(done ? {} : { nextRecordsUrl: `/services/data/v${version}/query/${cursor}-${end}` }),
      records: records.slice(offset, end),
    });
  }

  private queryMore(version: string, locator: string, res: ServerResponse): void {
    const [cursor, offset] = locator.split('-');
    const c = this.cursors.get(cursor);
    if (!c) return this.errors(res, 400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    this.page(version, cursor, c.type, c.records, Number(offset), res);
  }

  private describe(name: string, res: ServerResponse): void {
    const o = this.org.object(name);
    if (!o) return this.errors(res, 404, 'NOT_FOUND', `The requested resource does not exist`);
    this.send(res, 200, {
      name: o.name,
      label: o.name.replace(/__c$/, '').replace(/_/g, ' '),
      custom: o.custom,
      keyPrefix: o.keyPrefix,
      queryable: true,
      replicateable: true,
      fields: o.fields.map((f) => ({
        name: f.name,
        type: f.type,
        label: f.label,
        custom: f.custom,
        nillable: f.nillable,
        length: f.type === 'string' ? 255 : 0,
        updateable: !['id', 'datetime'].includes(f.type) || f.custom,
      })),
    });
  }

  private replication(name: string, kind: 'updated' | 'deleted', params: URLSearchParams, res: ServerResponse): void {
    const o = this.org.object(name);
    if (!o) return this.errors(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
    const start = Date.parse(params.get('start') ?? '');
    const end = Date.parse(params.get('end') ?? '');
    if (Number.isNaN(start) || Number.isNaN(end) || end < start)
      return this.errors(res, 400, 'INVALID_REPLICATION_DATE', 'start and end must be valid dates, start before end');
    const latest = sfDateTime(new Date(Math.min(end, Date.now())).toISOString().replace(/\d\d\.\d{3}Z$/, '00.000Z'));
    if (kind === 'updated') {
      const ids = [...o.records.values()].filter((r) => inWindow(r['SystemModstamp'], start, end)).map((r) => String(r['Id']));
      return this.send(res, 200, { ids, latestDateCovered: latest });
    }
    if (start < Date.parse(this.org.earliestDeleteAvailable)) {
      return this.errors(
        res,
        400,
        'INVALID_REPLICATION_DATE',
        `startDate is before the earliest date available (${sfDateTime(this.org.earliestDeleteAvailable)})`,
      );
    }
    const deletedRecords = [...o.deleted.entries()]
      .filter(([, d]) => inWindow(d.deletedDate, start, end))
      .map(([id, d]) => ({ id, deletedDate: sfDateTime(d.deletedDate) }));
    this.send(res, 200, { deletedRecords, earliestDateAvailable: sfDateTime(this.org.earliestDeleteAvailable), latestDateCovered: latest });
  }

  private versionData(id: string, res: ServerResponse): void {
    const bytes = this.org.blobs.get(id);
    if (!bytes || !this.org.object('ContentVersion')?.records.has(id)) return this.errors(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
    res.writeHead(200, { 'content-type': 'application/octetstream', 'content-length': bytes.length, 'sforce-limit-info': this.limitInfo() });
    res.end(bytes);
  }

  private createJob(body: string, res: ServerResponse, record: FakeSalesforceRequest): void {
    const params = JSON.parse(body || '{}') as { operation?: string; query?: string };
    if (params.operation !== 'query' && params.operation !== 'queryAll') return this.errors(res, 400, 'INVALIDJOB', 'operation must be query or queryAll');
    record.soql = params.query ?? '';
    const q = parseSoql(record.soql);
    if (q.count) return this.errors(res, 400, 'INVALIDJOB', 'Aggregate queries are not supported by Bulk API 2.0');
    const { o, rows } = this.select(q, params.operation === 'queryAll');
    const id = `750${randomBytes(6).toString('hex').toUpperCase()}AAA`;
    const job: BulkJob = {
      id,
      operation: params.operation,
      object: o.name,
      header: q.fields,
      rows: rows.map((r) => q.fields.map((f) => csvCell(r[f]))),
      checks: 0,
      createdDate: sfDateTime(this.org.now()),
    };
    this.jobs.set(id, job);
    this.send(res, 200, this.describeJob(job, 'UploadComplete'));
  }

  private describeJob(job: BulkJob, state: string): Record<string, unknown> {
    return {
      id: job.id,
      operation: job.operation,
      object: job.object,
      createdById: '005000000000001AAA',
      createdDate: job.createdDate,
      systemModstamp: job.createdDate,
      state,
      concurrencyMode: 'Parallel',
      contentType: 'CSV',
      apiVersion: 62.0,
      lineEnding: 'LF',
      columnDelimiter: 'COMMA',
      ...(state === 'JobComplete' ? { numberRecordsProcessed: job.rows.length, retries: 0, totalProcessingTime: 42 } : {}),
    };
  }

  /** The first poll finds the job in progress, the next complete: pollers must poll. */
  private jobInfo(id: string, res: ServerResponse): void {
    const job = this.jobs.get(id);
    if (!job) return this.errors(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
    job.checks++;
    this.send(res, 200, this.describeJob(job, job.checks > 1 ? 'JobComplete' : 'InProgress'));
  }

  private deleteJob(id: string, res: ServerResponse): void {
    this.jobs.delete(id);
    res.writeHead(204, { 'sforce-limit-info': this.limitInfo() });
    res.end();
  }

  private jobResults(id: string, params: URLSearchParams, res: ServerResponse): void {
    const job = this.jobs.get(id);
    if (!job) return this.errors(res, 404, 'NOT_FOUND', 'The requested resource does not exist');
    if (job.checks < 2) return this.errors(res, 400, 'INVALIDJOBSTATE', 'job is not complete');
    const locator = params.get('locator');
    const offset = locator ? Number(Buffer.from(locator, 'base64url').toString()) : 0;
    const size = Math.min(Number(params.get('maxRecords') ?? this.bulkPageSize) || this.bulkPageSize, this.bulkPageSize);
    const rows = job.rows.slice(offset, offset + size);
    const next = offset + size < job.rows.length ? Buffer.from(String(offset + size)).toString('base64url') : 'null';
    const csv = [job.header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n';
    res.writeHead(200, {
      'content-type': 'text/csv',
      'sforce-locator': next,
      'sforce-numberofrecords': String(rows.length),
      'sforce-limit-info': this.limitInfo(),
    });
    res.end(csv);
  }

  private limitInfo(): string {
    return `api-usage=${this.apiUsage}/${this.dailyApiLimit}`;
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': json, 'sforce-limit-info': this.limitInfo() });
    res.end(JSON.stringify(body));
  }

  /** REST errors are a JSON array of `{ message, errorCode }`. */
  private errors(res: ServerResponse, status: number, errorCode: string, message: string): void {
    this.send(res, status, [{ message, errorCode }]);
  }
}

function inWindow(at: unknown, start: number, end: number): boolean {
  const t = typeof at === 'string' ? Date.parse(at) : NaN;
  return t >= start && t < end;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
