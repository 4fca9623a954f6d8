import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { z } from 'zod';
import { DomoSourceError } from './domo-api.error';
import { domoDatasetMetadataSchema, domoDatasetSummarySchema, domoTokenSchema, type DomoDatasetMetadata, type DomoDatasetSummary } from './domo-api.schemas';
import { retryAfterMs } from './retry-after';

export interface DomoApiOptions {
  /** `https://api.domo.com` */
  readonly baseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Attempts per request on 429/5xx/network errors, the first included. */
  readonly maxAttempts?: number;
  /** First back-off when the server gives no Retry-After; doubles per attempt. */
  readonly baseDelayMs?: number;
  /** The longest wait honoured, Retry-After included (a server asking for an hour is not waited for). */
  readonly maxDelayMs?: number;
  readonly pageSize?: number;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A small client for the Domo Platform API over `fetch`: OAuth client credentials (scope `data`),
 * the dataset list paged by offset, a dataset's metadata with its schema, and its CSV export
 * streamed. 429 and 5xx are retried with back-off honouring Retry-After; a 401 on a data call
 * refreshes the token once. The secret and tokens never reach an error message or a log.
 */
export class DomoApiClient {
  private token: { value: string; expiresAt: number } | undefined;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly pageSize: number;

  constructor(private readonly options: DomoApiOptions) {
    this.fetchImpl = options.fetch ?? fetch;
    this.sleep = options.sleep ?? defaultSleep;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;
    this.pageSize = options.pageSize ?? 50;
  }

  async *listDatasets(): AsyncGenerator<DomoDatasetSummary> {
    for (let offset = 0; ; offset += this.pageSize) {
      const page = await this.json(`/v1/datasets?offset=${offset}&limit=${this.pageSize}&sort=name`, domoDatasetSummarySchema.array());
      yield* page;
      if (page.length < this.pageSize) return;
    }
  }

  metadata(datasetId: string): Promise<DomoDatasetMetadata> {
    return this.json(`/v1/datasets/${encodeURIComponent(datasetId)}`, domoDatasetMetadataSchema);
  }

  /** The export as CSV with a header row, streamed as it arrives. */
  async exportCsv(datasetId: string): Promise<Readable> {
    const response = await this.send(`/v1/datasets/${encodeURIComponent(datasetId)}/data?includeHeader=true`, 'text/csv');
    if (response.body === null) throw new DomoSourceError('DOMO_BAD_RESPONSE', `dataset ${datasetId} export has no body`);
    return Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
  }

  private async json<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>> {
    const response = await this.send(path, 'application/json');
    let body: unknown;
    try {
      body = await response.json();
    } catch (cause) {
      throw new DomoSourceError('DOMO_BAD_RESPONSE', `${pathOnly(path)} answered with invalid JSON`, { cause });
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success)
      throw new DomoSourceError('DOMO_BAD_RESPONSE', `${pathOnly(path)} answered an unexpected shape: ${parsed.error.issues[0]?.message ?? ''}`);
    return parsed.data;
  }

  private async send(path: string, accept: string): Promise<Response> {
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      const token = await this.accessToken();
      const response = await this.attempt(`${this.options.baseUrl}${path}`, { headers: { authorization: `Bearer ${token}`, accept } }, attempt, path);
      if (response === 'retry') continue;
      if (response.status === 401 && !refreshed) {
        // A token revoked or expired early: one fresh token, then the 401 stands.
        refreshed = true;
        this.token = undefined;
        await response.body?.cancel();
        continue;
      }
      if (response.ok) return response;
      await response.body?.cancel();
      if (response.status === 401 || response.status === 403)
        throw new DomoSourceError('DOMO_AUTH_FAILED', `Domo refused ${pathOnly(path)} (${response.status})`, { status: response.status });
      if (response.status === 404) throw new DomoSourceError('DOMO_NOT_FOUND', `Domo has no ${pathOnly(path)}`, { status: 404 });
      throw new DomoSourceError('DOMO_BAD_RESPONSE', `Domo answered ${response.status} to ${pathOnly(path)}`, { status: response.status });
    }
  }

  /** One request; 'retry' after waiting when it may be retried, else the response. */
  private async attempt(url: string, init: RequestInit, attempt: number, what: string): Promise<Response | 'retry'> {
    let response: Response;
    try {
      response = await this.fetchImpl(url, init);
    } catch (cause) {
      if (attempt >= this.maxAttempts)
        throw new DomoSourceError('DOMO_UNAVAILABLE', `Domo unreachable for ${pathOnly(what)} after ${attempt} attempts`, { cause });
      await this.sleep(this.backoff(attempt, undefined));
      return 'retry';
    }
    if (response.status !== 429 && response.status < 500) return response;
    await response.body?.cancel();
    if (attempt >= this.maxAttempts) {
      throw new DomoSourceError('DOMO_UNAVAILABLE', `Domo answered ${response.status} to ${pathOnly(what)} ${attempt} times`, { status: response.status });
    }
    await this.sleep(this.backoff(attempt, retryAfterMs(response.headers.get('retry-after'))));
    return 'retry';
  }

  private backoff(attempt: number, retryAfter: number | undefined): number {
    return Math.min(this.maxDelayMs, retryAfter ?? this.baseDelayMs * 2 ** (attempt - 1));
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.expiresAt > Date.now()) return this.token.value;
    const basic = Buffer.from(`${this.options.clientId}:${this.options.clientSecret}`).toString('base64');
    for (let attempt = 1; ; attempt++) {
      const response = await this.attempt(
        `${this.options.baseUrl}/oauth/token?grant_type=client_credentials&scope=data`,
        { headers: { authorization: `Basic ${basic}`, accept: 'application/json' } },
        attempt,
        '/oauth/token',
      );
      if (response === 'retry') continue;
      if (!response.ok) {
        await response.body?.cancel();
        throw new DomoSourceError('DOMO_AUTH_FAILED', `Domo refused the client credentials (${response.status})`, { status: response.status });
      }
      const parsed = domoTokenSchema.safeParse(await response.json().catch(() => undefined));
      if (!parsed.success) throw new DomoSourceError('DOMO_BAD_RESPONSE', 'Domo token answer has an unexpected shape');
      // Renew a minute early so a long export does not start on a token about to lapse.
      this.token = { value: parsed.data.access_token, expiresAt: Date.now() + Math.max(0, parsed.data.expires_in - 60) * 1000 };
      return this.token.value;
    }
  }
}

/** A request path without its query, for messages. */
function pathOnly(path: string): string {
  return path.split('?')[0] ?? path;
}
