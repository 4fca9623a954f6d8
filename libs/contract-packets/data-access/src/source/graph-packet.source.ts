import { ClientSecretCredential } from '@azure/identity';
import { Client, GraphError, ResponseType } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials';
import { clientOfFolder } from './client-folder';
import { PacketSourceError } from './packet-source.error';
import type { PacketSource, SourceChange, SourceDelta, SourceItem } from './packet-source.port';

export interface GraphPacketSourceOptions {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly driveId: string;
  /** Folder under the drive root holding one folder per client. */
  readonly folder: string;
  /** `https://graph.microsoft.com/v1.0` unless pointed elsewhere (sovereign clouds, tests). */
  readonly graphBaseUrl?: string;
  /** Entra ID authority host (`https://login.microsoftonline.com` unless pointed elsewhere). */
  readonly authorityHost?: string;
}

interface DriveItem {
  id: string;
  name?: string;
  eTag?: string;
  size?: number;
  deleted?: { state?: string };
  folder?: unknown;
  root?: unknown;
  file?: { hashes?: { quickXorHash?: string } };
  parentReference?: { id?: string; path?: string };
}

interface KnownFolder {
  readonly name: string;
  readonly parentId: string | null;
  readonly root: boolean;
}

/**
 * What is persisted between rounds: Graph's delta link, and the drive's folders seen so far —
 * delta items name their parent by id only (`parentReference.path` is not returned in delta), so
 * a file's client folder is found by walking these up to the root.
 */
interface GraphCursor {
  readonly deltaLink: string;
  readonly folders: Record<string, KnownFolder>;
}

interface DeltaPage {
  value: DriveItem[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

const graphScope = 'https://graph.microsoft.com/.default';

function sourceError(operation: string, e: unknown): PacketSourceError {
  const status = e instanceof GraphError ? e.statusCode : undefined;
  // A refused credential surfaces as a GraphError whose code is the identity error's name.
  const name = e instanceof GraphError ? e.code : (e as { name?: string } | null)?.name;
  if (name === 'AuthenticationError' || name === 'CredentialUnavailableError' || name === 'AuthenticationRequiredError') {
    return new PacketSourceError('unauthorized', `${operation} failed: the app credential was refused`);
  }
  const code = status === 401 || status === 403 ? 'unauthorized' : status === 404 ? 'not-found' : status === 429 ? 'throttled' : 'unavailable';
  // Only the status: Graph errors can echo request URLs, and a download URL is a credential.
  return new PacketSourceError(code, `${operation} failed${status ? ` with HTTP ${status}` : ''}${e instanceof GraphError && e.code ? ` (${e.code})` : ''}`);
}

/**
 * Contract packets from a OneDrive / SharePoint drive through Microsoft Graph, read-only, with
 * application credentials (client secret; workload identity is a different TokenCredential).
 * `delta` follows `@odata.nextLink` pages to the `@odata.deltaLink`, returned (with the folder map)
 * as the cursor the caller persists; an expired
 * link (`410 resyncRequired`) restarts as a full enumeration. The SDK's retry middleware honours
 * `Retry-After` on 429/503/504. Content comes through `/content`, whose 302 to a short-lived
 * pre-authenticated URL the SDK follows (dropping the Authorization header on the host change);
 * that URL is never read, kept or logged here.
 */
export class GraphPacketSource implements PacketSource {
  readonly kind = 'graph' as const;
  readonly sourceId: string;
  private readonly client: Client;

  constructor(private readonly options: GraphPacketSourceOptions) {
    this.sourceId = `graph:${options.driveId}`;
    const credential = new ClientSecretCredential(options.tenantId, options.clientId, options.clientSecret, {
      ...(options.authorityHost ? { authorityHost: options.authorityHost, disableInstanceDiscovery: true } : {}),
    });
    const base = new URL(options.graphBaseUrl ?? 'https://graph.microsoft.com/v1.0');
    this.client = Client.initWithMiddleware({
      authProvider: new TokenCredentialAuthenticationProvider(credential, { scopes: [graphScope] }),
      baseUrl: base.origin,
      defaultVersion: base.pathname.replace(/^\/|\/$/g, '') || 'v1.0',
      ...(base.hostname === 'graph.microsoft.com' ? {} : { customHosts: new Set([base.hostname]) }),
    });
  }

  async delta(cursor: string | null): Promise<SourceDelta> {
    const start = `/drives/${encodeURIComponent(this.options.driveId)}/root/delta`;
    const saved = cursor ? (JSON.parse(cursor) as GraphCursor) : null;
    let url = saved?.deltaLink ?? start;
    let full = saved === null;
    let folders: Record<string, KnownFolder> = { ...(saved?.folders ?? {}) };
    let items: DriveItem[] = [];
    for (;;) {
      let page: DeltaPage;
      try {
        page = (await this.client.api(url).get()) as DeltaPage;
      } catch (e) {
        if (e instanceof GraphError && e.statusCode === 410 && !full) {
          // The delta token expired: enumerate everything again; the caller reconciles deletions.
          url = start;
          full = true;
          folders = {};
          items = [];
          continue;
        }
        throw sourceError('drive delta', e);
      }
      if (!Array.isArray(page?.value)) throw new PacketSourceError('invalid-response', 'drive delta answered without a value array');
      for (const item of page.value) {
        if (item.folder || item.root) {
          if (item.deleted) delete folders[item.id];
          else folders[item.id] = { name: item.name ?? '', parentId: item.parentReference?.id ?? null, root: Boolean(item.root) };
        } else items.push(item);
      }
      if (page['@odata.nextLink']) url = page['@odata.nextLink'];
      else if (page['@odata.deltaLink']) {
        // Folders may arrive after their files within a round: resolve clients once the round is read.
        const changes = items.map((item) => this.changeOf(item, folders)).filter((c): c is SourceChange => c !== null);
        return { changes, cursor: JSON.stringify({ deltaLink: page['@odata.deltaLink'], folders } satisfies GraphCursor), full };
      } else throw new PacketSourceError('invalid-response', 'drive delta page has neither a next nor a delta link');
    }
  }

  async download(item: SourceItem): Promise<Uint8Array> {
    try {
      const body = (await this.client
        .api(`/drives/${encodeURIComponent(this.options.driveId)}/items/${encodeURIComponent(item.itemId)}/content`)
        .responseType(ResponseType.ARRAYBUFFER)
        .get()) as ArrayBuffer;
      return new Uint8Array(body);
    } catch (e) {
      throw sourceError('content download', e);
    }
  }

  private changeOf(item: DriveItem, folders: Readonly<Record<string, KnownFolder>>): SourceChange | null {
    if (item.deleted) return { type: 'deleted', itemId: item.id };
    if (!item.file || !item.name) return null;
    const folderPath = item.parentReference?.path?.replace(/^.*?root:/, '') ?? pathOf(item.parentReference?.id ?? null, folders);
    const clientId = folderPath === null ? null : clientOfFolder(folderPath, this.options.folder);
    // Outside a client folder (or moved out of one): not a packet.
    if (!clientId) return { type: 'deleted', itemId: item.id };
    return {
      type: 'upsert',
      item: { itemId: item.id, clientId, name: item.name, eTag: item.eTag ?? null, size: item.size ?? 0, quickXorHash: item.file.hashes?.quickXorHash ?? null },
    };
  }
}

/** `/Contract packets/acme` for a folder id, walking known folders up to the drive root; null if a link is unknown. */
function pathOf(folderId: string | null, folders: Readonly<Record<string, KnownFolder>>): string | null {
  const names: string[] = [];
  for (let id = folderId, hops = 0; id !== null && hops < 64; hops++) {
    const folder = folders[id];
    if (!folder) return null;
    if (folder.root) return `/${names.join('/')}`;
    names.unshift(folder.name);
    id = folder.parentId;
  }
  return null;
}
