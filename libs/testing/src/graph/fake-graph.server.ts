import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestTlsIdentity, trustTestCertificate } from './test-tls';
import type { FakeDriveFile, FakeGraphRequest, FakeGraphRoute, InjectedFailure } from './fake-graph.types';

export interface FakeGraphOptions {
  /** Items per delta page (small, so paging is exercised). */
  pageSize?: number;
}

interface DeltaCursor {
  /** Changes after this sequence number (0 = full enumeration). */
  from: number;
  /** Snapshot: changes up to this sequence number. */
  upto: number;
  skip: number;
  epoch: number;
}

const encode = (c: DeltaCursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
const decode = (s: string): DeltaCursor | null => {
  try {
    return JSON.parse(Buffer.from(s, 'base64url').toString()) as DeltaCursor;
  } catch {
    return null;
  }
};

const mimeTypes: Record<string, string> = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

/**
 * A local HTTPS server speaking Microsoft Graph's and Entra ID's real wire shapes for what a
 * read-only drive sync uses: the OAuth 2.0 client-credentials token endpoint (with the OpenID
 * metadata MSAL reads first), `/drives/{id}/root/delta` paged with `@odata.nextLink` and closed
 * with `@odata.deltaLink`, deleted items (`deleted` facet), `410 resyncRequired` for an expired
 * delta token, `429`/`503` with `Retry-After`, and `/items/{id}/content` answering `302` to a
 * pre-authenticated download URL on another host (`localhost` vs `127.0.0.1`) carrying a
 * one-time token. The certificate is generated per run and trusted only inside the process.
 */
export class FakeGraphServer {
  readonly tenantId = randomUUID();
  readonly clientId = randomUUID();
  readonly clientSecret = `secret-${randomBytes(12).toString('hex')}`;
  readonly driveId = `b!${randomBytes(18).toString('base64url')}`;
  readonly requests: FakeGraphRequest[] = [];
  /** Every access token and download URL handed out: what must never leak. */
  readonly issuedTokens: string[] = [];
  readonly issuedDownloadUrls: string[] = [];
  private readonly files = new Map<string, FakeDriveFile>();
  private readonly downloadTokens = new Map<string, string>();
  private readonly failures: InjectedFailure[] = [];
  private seq = 0;
  private epoch = 1;

  private constructor(
    private readonly server: Server,
    private readonly port: number,
    private readonly untrust: () => void,
    private readonly pageSize: number,
  ) {}

  static async start(options: FakeGraphOptions = {}): Promise<FakeGraphServer> {
    const tls = await createTestTlsIdentity();
    const untrust = trustTestCertificate(tls.cert);
    const ready: { fake?: FakeGraphServer } = {};
    const server = createServer({ key: tls.key, cert: tls.cert }, (req, res) => {
      void ready.fake?.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ready.fake = new FakeGraphServer(server, (server.address() as AddressInfo).port, untrust, options.pageSize ?? 2);
    return ready.fake;
  }

  /** `https://127.0.0.1:<port>`: Graph (`/v1.0`) and the authority host. */
  get url(): string {
    return `https://127.0.0.1:${this.port}`;
  }

  get graphBaseUrl(): string {
    return `${this.url}/v1.0`;
  }

  /** Adds or replaces a file; a replacement gets a new eTag and shows up in the next delta. */
  putFile(path: string, content: Buffer, quickXorHash: string | null): FakeDriveFile {
    const existing = [...this.files.values()].find((f) => f.path === path && !f.deleted);
    const id = existing?.id ?? `01${randomBytes(16).toString('hex').toUpperCase()}`;
    const version = (existing?.version ?? 0) + 1;
    const file: FakeDriveFile = {
      id,
      path,
      content,
      quickXorHash,
      version,
      eTag: `"{${randomUUID().toUpperCase()}},${version}"`,
      seq: ++this.seq,
      deleted: false,
      lastModified: new Date(Date.UTC(2025, 0, 1, 0, 0, this.seq)).toISOString(),
    };
    this.files.set(id, file);
    return file;
  }

  deleteFile(id: string): void {
    const file = this.files.get(id);
    if (!file) throw new Error(`no file ${id}`);
    Object.assign(file, { deleted: true, seq: ++this.seq });
  }

  /** Serves different bytes than the drive's reported hashes say (a corrupted or swapped download). */
  tamper(id: string, content: Buffer): void {
    const file = this.files.get(id);
    if (!file) throw new Error(`no file ${id}`);
    file.content = content;
  }

  /** Every delta token handed out so far is now expired: the next use answers 410 resyncRequired. */
  expireDeltaTokens(): void {
    this.epoch++;
  }

  /** The next `times` calls to `route` answer `status` with `Retry-After: retryAfterSeconds`. */
  failNext(route: FakeGraphRoute, status: 429 | 503, retryAfterSeconds: number, times = 1): void {
    this.failures.push({ route, status, retryAfterSeconds, times });
  }

  requestsTo(route: RegExp): FakeGraphRequest[] {
    return this.requests.filter((r) => route.test(r.url));
  }

  async stop(): Promise<void> {
    this.untrust();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = req.headers.host ?? '';
    const url = new URL(req.url ?? '/', `https://${host}`);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      this.requests.push({ at: Date.now(), method: req.method ?? 'GET', host, url: req.url ?? '/', status, authorization: Boolean(req.headers.authorization) });
      if (Buffer.isBuffer(body)) {
        res.writeHead(status, { 'content-type': 'application/octet-stream', 'content-length': String(body.length), ...headers });
        res.end(body);
        return;
      }
      const text = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, { ...(text ? { 'content-type': 'application/json; odata.metadata=minimal' } : {}), 'request-id': randomUUID(), ...headers });
      res.end(text);
    };
    const graphError = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
      send(status, { error: { code, message, innerError: { 'request-id': randomUUID(), date: new Date().toISOString() } } }, headers);
    const injected = (route: FakeGraphRoute) => {
      const failure = this.failures.find((f) => f.route === route && f.times > 0);
      if (!failure) return false;
      failure.times--;
      const code = failure.status === 429 ? 'activityLimitReached' : 'serviceNotAvailable';
      graphError(failure.status, code, failure.status === 429 ? 'The request has been throttled' : 'Service unavailable', {
        'retry-after': String(failure.retryAfterSeconds),
      });
      return true;
    };

    const body = await new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks).toString()));
    });
    const path = url.pathname;

    // Entra ID: OpenID metadata, instance discovery, client-credentials token.
    if (req.method === 'GET' && path === `/${this.tenantId}/v2.0/.well-known/openid-configuration`) {
      const base = `${this.url}/${this.tenantId}`;
      return send(200, {
        token_endpoint: `${base}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        issuer: `${base}/v2.0`,
        jwks_uri: `${this.url}/${this.tenantId}/discovery/v2.0/keys`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      });
    }
    if (req.method === 'GET' && path === '/common/discovery/instance') {
      return send(200, { tenant_discovery_endpoint: `${this.url}/${this.tenantId}/v2.0/.well-known/openid-configuration`, 'api-version': '1.1', metadata: [] });
    }
    if (req.method === 'POST' && path === `/${this.tenantId}/oauth2/v2.0/token`) {
      if (injected('token')) return;
      const form = new URLSearchParams(body);
      if (form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== this.clientId || form.get('client_secret') !== this.clientSecret) {
        return send(401, { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.', error_codes: [7000215] });
      }
      if (form.get('scope') !== 'https://graph.microsoft.com/.default') {
        return send(400, { error: 'invalid_scope', error_description: 'AADSTS70011: The provided value for scope is not valid.' });
      }
      const token = `eyJ0eXAiOiJKV1QifQ.${randomBytes(24).toString('base64url')}.${randomBytes(24).toString('base64url')}`;
      this.issuedTokens.push(token);
      return send(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
    }

    // Pre-authenticated download (another host, no Authorization, one-time token).
    if (req.method === 'GET' && path.startsWith('/download/')) {
      if (injected('download')) return;
      const id = path.slice('/download/'.length);
      const token = url.searchParams.get('tempauth') ?? '';
      if (this.downloadTokens.get(token) !== id) return graphError(401, 'unauthenticated', 'The download URL has expired or was already used');
      this.downloadTokens.delete(token);
      const file = this.files.get(id);
      if (!file || file.deleted) return graphError(404, 'itemNotFound', 'The resource could not be found.');
      return send(200, file.content);
    }

    // Graph proper: bearer token required.
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || !this.issuedTokens.includes(bearer)) return graphError(401, 'InvalidAuthenticationToken', 'Access token is empty or invalid.');

    const drive = `/v1.0/drives/${this.driveId}`;
    if (req.method === 'GET' && path === `${drive}/root/delta`) {
      if (injected('delta')) return;
      return this.delta(url, send, graphError);
    }
    const content = new RegExp(`^${drive.replace(/[!]/g, '\\!')}/items/([^/]+)/content$`).exec(path);
    if (req.method === 'GET' && content) {
      if (injected('content')) return;
      const file = this.files.get(content[1]);
      if (!file || file.deleted) return graphError(404, 'itemNotFound', 'The resource could not be found.');
      return send(302, undefined, { location: this.downloadUrl(file.id) });
    }
    return graphError(400, 'invalidRequest', `Unsupported request ${req.method} ${path}`);
  }

  private downloadUrl(id: string): string {
    const token = randomBytes(24).toString('base64url');
    this.downloadTokens.set(token, id);
    const url = `https://localhost:${this.port}/download/${id}?tempauth=${token}`;
    this.issuedDownloadUrls.push(url);
    return url;
  }

  private delta(
    url: URL,
    send: (status: number, body: unknown, headers?: Record<string, string>) => void,
    graphError: (status: number, code: string, message: string, headers?: Record<string, string>) => void,
  ) {
    const deltaBase = `${this.graphBaseUrl}/drives/${this.driveId}/root/delta`;
    const skipToken = url.searchParams.get('$skiptoken');
    const token = url.searchParams.get('token');
    let cursor: DeltaCursor | null;
    if (skipToken) cursor = decode(skipToken);
    else if (token) {
      const from = decode(token);
      cursor = from && { from: from.upto, upto: this.seq, skip: 0, epoch: from.epoch };
    } else cursor = { from: 0, upto: this.seq, skip: 0, epoch: this.epoch };
    if (!cursor) return graphError(400, 'invalidRequest', 'Invalid delta token');
    if (cursor.epoch !== this.epoch) {
      return graphError(
        410,
        'resyncRequired',
        "Resync required. Replace any local items with the server's version (including deletes) if you're sure that the service was up to date with your local changes when you last sync'd.",
        {
          location: deltaBase,
        },
      );
    }
    const full = cursor.from === 0;
    const changed = [...this.files.values()].filter((f) => f.seq > cursor.from && f.seq <= cursor.upto && !(full && f.deleted)).sort((a, b) => a.seq - b.seq);
    // Like Graph: a full enumeration lists every folder; an incremental one the folders above changed files.
    const ancestors = (path: string) =>
      path
        .split('/')
        .slice(0, -1)
        .map((_, i, parts) => parts.slice(0, i + 1).join('/'));
    const folders = [...new Set(changed.flatMap((f) => ancestors(f.path)))];
    const items: unknown[] = [
      ...(full && cursor.skip === 0
        ? [{ id: 'root', name: 'root', root: {}, folder: { childCount: folders.length }, parentReference: { driveId: this.driveId, driveType: 'business' } }]
        : []),
      ...(cursor.skip === 0 ? folders.map((p) => this.folderItem(p)) : []),
    ];
    const page = changed.slice(cursor.skip, cursor.skip + this.pageSize);
    items.push(...page.map((f) => this.fileItem(f)));
    const more = cursor.skip + this.pageSize < changed.length;
    const link = more
      ? { '@odata.nextLink': `${deltaBase}?$skiptoken=${encode({ ...cursor, skip: cursor.skip + this.pageSize })}` }
      : { '@odata.deltaLink': `${deltaBase}?token=${encode({ from: cursor.from, upto: cursor.upto, skip: 0, epoch: this.epoch })}` };
    send(200, { '@odata.context': `${this.graphBaseUrl}/$metadata#Collection(driveItem)`, ...link, value: items });
  }

  private folderId(path: string): string {
    return path ? `F-${createHash('sha1').update(path).digest('hex').slice(0, 24).toUpperCase()}` : 'root';
  }

  /** Delta responses carry the parent's id, not its path (Graph omits `parentReference.path` in delta). */
  private parentReference(dir: string) {
    return { driveType: 'business', driveId: this.driveId, id: this.folderId(dir) };
  }

  private folderItem(path: string) {
    const parts = path.split('/');
    return {
      id: this.folderId(path),
      name: parts[parts.length - 1],
      folder: { childCount: 0 },
      parentReference: this.parentReference(parts.slice(0, -1).join('/')),
    };
  }

  private fileItem(f: FakeDriveFile) {
    const parts = f.path.split('/');
    const name = parts[parts.length - 1];
    const parentReference = this.parentReference(parts.slice(0, -1).join('/'));
    if (f.deleted) return { id: f.id, name, deleted: { state: 'deleted' }, parentReference, file: {} };
    return {
      '@microsoft.graph.downloadUrl': this.downloadUrl(f.id),
      id: f.id,
      name,
      eTag: f.eTag,
      cTag: `"c:${f.eTag.slice(2, 38)},${f.version}"`,
      size: f.content.length,
      createdDateTime: f.lastModified,
      lastModifiedDateTime: f.lastModified,
      parentReference,
      file: { mimeType: mimeTypes[name.split('.').pop() ?? ''] ?? 'application/octet-stream', hashes: f.quickXorHash ? { quickXorHash: f.quickXorHash } : {} },
    };
  }
}
