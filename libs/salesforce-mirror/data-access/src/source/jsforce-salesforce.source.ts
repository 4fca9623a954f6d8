import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KeyObject } from 'node:crypto';
import { Connection, OAuth2, type QueryResult } from 'jsforce';
import { parseBulkCsv } from './bulk-csv';
import { JWT_BEARER_GRANT, jwtBearerAssertion, loadSigningKey } from './jwt-bearer-assertion';
import type { ApiLimits, DeletedRecords, DescribedField, SalesforceRecord, SalesforceSource } from './salesforce-source.port';
import { SalesforceSourceError } from './salesforce-source.error';

export interface JsforceSourceOptions {
  /** Login host (`https://login.salesforce.com`, a My Domain, or the fake org). */
  loginUrl: string;
  clientId: string;
  /** Client-credentials flow: the consumer secret, from Key Vault through the CSI mount; never logged. */
  clientSecret?: string;
  /**
   * JWT bearer flow instead: the integration user and the connected app's private key (PEM, from
   * Key Vault; never logged). The assertion's audience defaults to the login URL.
   */
  jwt?: { username: string; privateKey: string; audience?: string };
  apiVersion?: string;
  /** Bulk API 2.0 job polling. */
  pollIntervalMs?: number;
  pollTimeoutMs?: number;
  /** Rows asked per Bulk results page (`maxRecords`). */
  bulkPageSize?: number;
  /** REQUEST_LIMIT_EXCEEDED: waits `limitBackoffMs * 2^n` between tries, at most `limitRetries` times. */
  limitBackoffMs?: number;
  limitRetries?: number;
}

interface SalesforceApiError {
  errorCode?: string;
  name?: string;
  message?: string;
}

const codeOf = (e: unknown): string | undefined => (e as SalesforceApiError)?.errorCode ?? (e as SalesforceApiError)?.name;

/**
 * The Salesforce source on jsforce 3: OAuth 2.0 client credentials (a connected app's key and
 * secret, from Key Vault), REST query/queryMore, describe, getDeleted, and Bulk API 2.0 query jobs
 * created and polled through the connection. Two reads go through `fetch` with the connection's
 * session instead: Bulk results pages, because jsforce 3's `QueryJobV2.result()` pipes every page
 * into one stream and fails with `write after end` from the second `Sforce-Locator` page on
 * (jsforce issues #1546, #1693); and file bytes, so the status is known before streaming.
 * Every call backs off `REQUEST_LIMIT_EXCEEDED` and re-authenticates an expired session once.
 */
export class JsforceSalesforceSource implements SalesforceSource {
  private conn: Connection | undefined;
  private lastLimits: ApiLimits | null = null;
  limitBackoffs = 0;
  private readonly version: string;
  /** The JWT flow's key, parsed once (a bad key fails at construction, before any sync). */
  private readonly signingKey: KeyObject | undefined;

  constructor(private readonly options: JsforceSourceOptions) {
    this.version = options.apiVersion ?? '62.0';
    this.signingKey = options.jwt ? loadSigningKey(options.jwt.privateKey) : undefined;
  }

  /** Which OAuth flow the source authenticates with. */
  get flow(): 'jwt-bearer' | 'client-credentials' {
    return this.signingKey ? 'jwt-bearer' : 'client-credentials';
  }

  private async connection(fresh = false): Promise<Connection> {
    if (this.conn && !fresh) return this.conn;
    const { loginUrl, clientId, clientSecret, jwt } = this.options;
    // The JWT grant carries the consumer key inside the signed assertion; no secret is sent.
    const oauth2 = this.signingKey ? new OAuth2({ loginUrl }) : new OAuth2({ loginUrl, clientId, clientSecret });
    const conn = new Connection({ oauth2, version: this.version });
    try {
      if (this.signingKey && jwt) {
        const assertion = jwtBearerAssertion({ clientId, username: jwt.username, audience: jwt.audience ?? loginUrl }, this.signingKey);
        await conn.authorize({ grant_type: JWT_BEARER_GRANT, assertion });
      } else {
        await conn.authorize({ grant_type: 'client_credentials' });
      }
    } catch (e) {
      // The token endpoint's answer names the reason (invalid_grant: expired authorization code…);
      // neither the secret nor the assertion appears in it.
      throw new SalesforceSourceError('SALESFORCE_AUTH_FAILED', `${this.flow} token refused: ${(e as Error).message.slice(0, 200)}`, { cause: e });
    }
    this.conn = conn;
    return conn;
  }

  /** Runs `fn`, waiting out REQUEST_LIMIT_EXCEEDED and re-authenticating once on INVALID_SESSION_ID. */
  private async call<T>(what: string, fn: (conn: Connection) => Promise<T>): Promise<T> {
    const retries = this.options.limitRetries ?? 5;
    let reauthenticated = false;
    for (let attempt = 0; ; attempt++) {
      const conn = await this.connection();
      try {
        const result = await fn(conn);
        if (conn.limitInfo?.apiUsage) this.lastLimits = { ...conn.limitInfo.apiUsage };
        return result;
      } catch (e) {
        const code = codeOf(e);
        if (code === 'INVALID_SESSION_ID' && !reauthenticated) {
          reauthenticated = true;
          await this.connection(true);
          continue;
        }
        if (code === 'REQUEST_LIMIT_EXCEEDED') {
          if (attempt >= retries)
            throw new SalesforceSourceError('SALESFORCE_LIMIT_EXCEEDED', `${what}: the org's API limit is exhausted (${retries} backoffs)`, { cause: e });
          this.limitBackoffs++;
          await sleep((this.options.limitBackoffMs ?? 1_000) * 2 ** attempt);
          continue;
        }
        if (code === 'INVALID_REPLICATION_DATE')
          throw new SalesforceSourceError('SALESFORCE_REPLICATION_WINDOW_LOST', `${what}: ${(e as Error).message.slice(0, 200)}`, { cause: e });
        if (e instanceof SalesforceSourceError) throw e;
        throw new SalesforceSourceError('SALESFORCE_REQUEST_FAILED', `${what}: ${code ?? 'error'}: ${(e as Error).message.slice(0, 300)}`, { cause: e });
      }
    }
  }

  async describe(object: string): Promise<DescribedField[]> {
    const d = await this.call(`describe ${object}`, (c) => c.sobject(object).describe());
    return d.fields.map((f) => ({ name: f.name, type: String(f.type), custom: Boolean(f.custom) }));
  }

  async *query(soql: string): AsyncIterable<SalesforceRecord[]> {
    let page: QueryResult<SalesforceRecord> = await this.call<QueryResult<SalesforceRecord>>('query', (c) => c.query<SalesforceRecord>(soql).then((r) => r));
    for (;;) {
      yield page.records.map(stripAttributes);
      if (page.done || !page.nextRecordsUrl) return;
      const next = page.nextRecordsUrl;
      page = await this.call<QueryResult<SalesforceRecord>>('queryMore', (c) => c.queryMore<SalesforceRecord>(next).then((r) => r));
    }
  }

  async count(object: string): Promise<number> {
    return (await this.call<QueryResult<SalesforceRecord>>(`count ${object}`, (c) => c.query(`SELECT COUNT() FROM ${object}`).then((r) => r))).totalSize;
  }

  async *bulkQuery(soql: string): AsyncIterable<SalesforceRecord[]> {
    const job = await this.call('bulk query job', (c) =>
      c.request<{ id: string }>({
        method: 'POST',
        url: '/jobs/query',
        body: JSON.stringify({ operation: 'query', query: soql }),
        headers: { 'content-type': 'application/json' },
      }),
    );
    const deadline = Date.now() + (this.options.pollTimeoutMs ?? 10 * 60_000);
    for (;;) {
      const info = await this.call('bulk job state', (c) => c.request<{ state: string; errorMessage?: string }>(`/jobs/query/${job.id}`));
      if (info.state === 'JobComplete') break;
      if (info.state === 'Failed' || info.state === 'Aborted')
        throw new SalesforceSourceError(
          'SALESFORCE_REQUEST_FAILED',
          `bulk query job ${job.id} ${info.state}${info.errorMessage ? `: ${info.errorMessage.slice(0, 200)}` : ''}`,
        );
      if (Date.now() > deadline)
        throw new SalesforceSourceError('SALESFORCE_REQUEST_FAILED', `bulk query job ${job.id} still ${info.state} at the poll timeout`);
      await sleep(this.options.pollIntervalMs ?? 1_000);
    }
    let locator: string | null = null;
    do {
      const query = new URLSearchParams({ maxRecords: String(this.options.bulkPageSize ?? 50_000) });
      if (locator) query.set('locator', locator);
      const page = await this.call('bulk results', (c) => this.fetchText(c, `/jobs/query/${job.id}/results?${query}`, 'text/csv'));
      locator = page.headers.get('sforce-locator');
      yield parseBulkCsv(page.text);
    } while (locator && locator !== 'null');
  }

  async deleted(object: string, start: Date, end: Date): Promise<DeletedRecords> {
    const d = await this.call(`getDeleted ${object}`, (c) => c.sobject(object).deleted(start, end));
    return {
      ids: d.deletedRecords.map((r) => ({ id: r.id, deletedDate: r.deletedDate })),
      earliestDateAvailable: d.earliestDateAvailable ?? null,
      latestDateCovered: d.latestDateCovered ?? null,
    };
  }

  async versionData(contentVersionId: string): Promise<Readable> {
    const res = await this.call('file download', async (c) => {
      const r = await this.fetchRaw(c, `/sobjects/ContentVersion/${encodeURIComponent(contentVersionId)}/VersionData`, '*/*');
      return r;
    });
    return Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
  }

  limits(): ApiLimits | null {
    return this.lastLimits;
  }

  private async fetchText(conn: Connection, path: string, accept: string): Promise<{ text: string; headers: Headers }> {
    const res = await this.fetchRaw(conn, path, accept);
    return { text: await res.text(), headers: res.headers };
  }

  /** A GET with the connection's session; a Salesforce error body becomes an error with its errorCode. */
  private async fetchRaw(conn: Connection, path: string, accept: string): Promise<Response> {
    const res = await fetch(`${conn.instanceUrl}/services/data/v${this.version}${path}`, { headers: { authorization: `Bearer ${conn.accessToken}`, accept } });
    const limit = /api-usage=(\d+)\/(\d+)/.exec(res.headers.get('sforce-limit-info') ?? '');
    if (limit) this.lastLimits = { used: Number(limit[1]), limit: Number(limit[2]) };
    if (res.ok) return res;
    const body = await res.text();
    let first: SalesforceApiError = {};
    try {
      const parsed = JSON.parse(body) as SalesforceApiError[] | SalesforceApiError;
      first = Array.isArray(parsed) ? (parsed[0] ?? {}) : parsed;
    } catch {
      first = { message: `HTTP ${res.status}` };
    }
    throw Object.assign(new Error(first.message ?? `HTTP ${res.status}`), { errorCode: first.errorCode ?? `HTTP_${res.status}` });
  }
}

function stripAttributes(r: SalesforceRecord): SalesforceRecord {
  const { attributes: _attributes, ...rest } = r as SalesforceRecord & { attributes?: unknown };
  return rest;
}
