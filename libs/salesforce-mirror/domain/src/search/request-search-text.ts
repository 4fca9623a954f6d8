/** What retrieval indexes for one request: its subject and description, then notes and feed in order. */
export interface RequestTextParts {
  name: string;
  subject: string | null;
  description: string | null;
  status: string | null;
  notes: ReadonlyArray<{ id: string; title: string | null; body: string | null }>;
  feed: ReadonlyArray<{ id: string; body: string | null }>;
}

export interface RequestChunk {
  locator: string;
  text: string;
}

const clip = (s: string, n: number) => (s.length > n ? s.slice(0, n) : s);

/** One chunk per part, each with a locator (`request`, `note:<id>`, `feed:<id>`); empty parts dropped. */
export function requestChunks(parts: RequestTextParts): RequestChunk[] {
  const chunks: RequestChunk[] = [];
  const head = [`${parts.name}: ${parts.subject ?? ''}`.trim(), parts.status ? `Status: ${parts.status}` : '', parts.description ?? '']
    .filter(Boolean)
    .join('\n');
  if (head) chunks.push({ locator: 'request', text: clip(head, 20_000) });
  for (const n of parts.notes) {
    const text = [n.title ?? '', n.body ?? ''].filter(Boolean).join('\n');
    if (text) chunks.push({ locator: `note:${n.id}`, text: clip(text, 20_000) });
  }
  for (const f of parts.feed) if (f.body) chunks.push({ locator: `feed:${f.id}`, text: clip(f.body, 20_000) });
  return chunks;
}
