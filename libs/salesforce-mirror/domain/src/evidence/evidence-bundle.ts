/**
 * An evidence bundle: everything the mirror knows of one request as canonical JSON, and a
 * manifest naming each attached file by its sha256 in the lake. The bundle's own hash is over
 * its canonical bytes, so the same mirror state always gives the same bundle.
 */
export interface EvidenceFile {
  contentVersionId: string;
  fileName: string;
  size: number;
  sha256: string;
}

export interface EvidenceManifest {
  requestId: string;
  clientId: string;
  files: EvidenceFile[];
  /** sha256 of `request.json` (the canonical bundle body). */
  requestSha256: string;
}

/** JSON with object keys sorted at every depth: one serialisation per value. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export function evidenceManifest(requestId: string, clientId: string, requestSha256: string, files: readonly EvidenceFile[]): EvidenceManifest {
  return { requestId, clientId, requestSha256, files: [...files].sort((a, b) => (a.contentVersionId < b.contentVersionId ? -1 : 1)) };
}
