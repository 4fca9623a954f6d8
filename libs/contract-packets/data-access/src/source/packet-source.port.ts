/** A file in a packet source, as its listing reports it (never a URL or a local path). */
export interface SourceItem {
  /** The source's own id for the file (a Graph driveItem id; a digest of the relative name for a folder). */
  readonly itemId: string;
  /** The client scope, from the folder the file sits in (`<packets folder>/<clientId>/<file>`). */
  readonly clientId: string;
  readonly name: string;
  readonly eTag: string | null;
  readonly size: number;
  /** What the source reports for the content, verified after download when present. */
  readonly quickXorHash: string | null;
}

export type SourceChange = { readonly type: 'upsert'; readonly item: SourceItem } | { readonly type: 'deleted'; readonly itemId: string };

export interface SourceDelta {
  readonly changes: readonly SourceChange[];
  /** Opaque state to hand to the next `delta` call (Graph's deltaLink); persisted by the caller. */
  readonly cursor: string;
  /** The source enumerated everything (first sync, or after `410 resyncRequired`): unseen items are gone. */
  readonly full: boolean;
}

/**
 * Where packets come from, read-only: what changed since `cursor`, and a file's bytes.
 * Microsoft Graph (OneDrive / SharePoint) in production, a local folder in the embedded stack.
 */
export interface PacketSource {
  readonly kind: 'graph' | 'folder';
  /** Names the source's persisted delta state (`graph:<driveId>`, `folder`). */
  readonly sourceId: string;
  delta(cursor: string | null): Promise<SourceDelta>;
  download(item: SourceItem): Promise<Uint8Array>;
}

export const PACKET_SOURCE = Symbol.for('leaf.contract-packets.PacketSource');
