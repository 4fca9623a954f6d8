import { quickXorHash } from '@leaf/contract-packets/domain';
import { FakeGraphServer } from '@leaf/testing';
import { GraphPacketSource } from './graph-packet.source';
import { isPacketSourceError } from './packet-source.error';
import type { SourceChange } from './packet-source.port';

const bytes = (text: string) => Buffer.from(text);
const names = (changes: readonly SourceChange[]) =>
  changes.map((c) => (c.type === 'upsert' ? `${c.item.clientId}/${c.item.name}` : `deleted:${c.itemId}`)).sort();

describe('GraphPacketSource against the fake Graph server', () => {
  let graph: FakeGraphServer;
  const sourceFor = (g: FakeGraphServer, secret = g.clientSecret) =>
    new GraphPacketSource({
      tenantId: g.tenantId,
      clientId: g.clientId,
      clientSecret: secret,
      driveId: g.driveId,
      folder: 'Contract packets',
      graphBaseUrl: g.graphBaseUrl,
      authorityHost: g.url,
    });

  beforeEach(async () => {
    graph = await FakeGraphServer.start({ pageSize: 2 });
  });
  afterEach(() => graph.stop());

  it('enumerates every packet through the delta pages, then only what changed since the persisted delta link', async () => {
    const put = (path: string, text: string) => graph.putFile(path, bytes(text), quickXorHash(bytes(text)));
    const a = put('Contract packets/acme/2025 rate schedule.xlsx', 'a1');
    const b = put('Contract packets/acme/2025 amendment.pdf', 'b1');
    put('Contract packets/globex/2025 rate schedule.pdf', 'c1');
    put('Contract packets/globex/2024 rate schedule.pdf', 'd1');
    put('Other/holiday.pdf', 'e1');
    const source = sourceFor(graph);

    const first = await source.delta(null);
    expect(first.full).toBe(true);
    expect(names(first.changes)).toEqual(
      [
        'acme/2025 amendment.pdf',
        'acme/2025 rate schedule.xlsx',
        'deleted:' + first.changes.find((c) => c.type === 'deleted')?.itemId,
        'globex/2024 rate schedule.pdf',
        'globex/2025 rate schedule.pdf',
      ].sort(),
    );
    expect(first.changes.find((c) => c.type === 'upsert' && c.item.itemId === a.id)).toEqual({
      type: 'upsert',
      item: { itemId: a.id, clientId: 'acme', name: '2025 rate schedule.xlsx', eTag: a.eTag, size: 2, quickXorHash: quickXorHash(bytes('a1')) },
    });
    expect(first.cursor).toMatch(/\/root\/delta\?token=/);
    // Five files in pages of two: the client followed @odata.nextLink to the @odata.deltaLink.
    expect(graph.requestsTo(/\/root\/delta/).length).toBeGreaterThanOrEqual(3);
    expect(graph.requestsTo(/skiptoken/).length).toBeGreaterThanOrEqual(2);

    put('Contract packets/acme/2025 rate schedule.xlsx', 'a2');
    graph.deleteFile(b.id);
    put('Contract packets/acme/2026 rate schedule.pdf', 'f1');
    put('Contract packets/initech/2026 rate schedule.pdf', 'g1');
    const second = await source.delta(first.cursor);
    expect(second.full).toBe(false);
    // Delta items name their parent by id only: the client folder comes from the folders seen so far (a new one included).
    expect(names(second.changes)).toEqual(
      ['acme/2025 rate schedule.xlsx', 'acme/2026 rate schedule.pdf', 'initech/2026 rate schedule.pdf', `deleted:${b.id}`].sort(),
    );
  });

  it('starts over with a full enumeration when the delta link expired (410 resyncRequired)', async () => {
    graph.putFile('Contract packets/acme/one.pdf', bytes('1'), null);
    const source = sourceFor(graph);
    const first = await source.delta(null);
    graph.putFile('Contract packets/acme/two.pdf', bytes('2'), null);
    graph.expireDeltaTokens();
    const second = await source.delta(first.cursor);
    expect(graph.requests.some((r) => r.status === 410)).toBe(true);
    expect(second.full).toBe(true);
    expect(names(second.changes)).toEqual(['acme/one.pdf', 'acme/two.pdf']);
  });

  it('waits the Retry-After a 429 or 503 asks for, then carries on', async () => {
    const file = graph.putFile('Contract packets/acme/one.pdf', bytes('payload'), null);
    const source = sourceFor(graph);
    graph.failNext('delta', 429, 1);
    await source.delta(null);
    const deltas = graph.requestsTo(/\/root\/delta/);
    expect(deltas.map((r) => r.status)).toEqual([429, 200]);
    expect(deltas[1].at - deltas[0].at).toBeGreaterThanOrEqual(950);

    graph.failNext('content', 503, 1);
    const content = await source.download({ itemId: file.id, clientId: 'acme', name: 'one.pdf', eTag: file.eTag, size: 7, quickXorHash: null });
    expect(Buffer.from(content).toString()).toBe('payload');
    const contents = graph.requestsTo(/\/content$/);
    expect(contents.map((r) => r.status)).toEqual([503, 302]);
    expect(contents[1].at - contents[0].at).toBeGreaterThanOrEqual(950);
  });

  it('downloads through the 302 to the pre-authenticated URL without sending the bearer token there', async () => {
    const file = graph.putFile('Contract packets/acme/one.pdf', bytes('%PDF-1.7 body'), null);
    const content = await sourceFor(graph).download({ itemId: file.id, clientId: 'acme', name: 'one.pdf', eTag: file.eTag, size: 13, quickXorHash: null });
    expect(Buffer.from(content).toString()).toBe('%PDF-1.7 body');
    const [redirect] = graph.requestsTo(/\/content$/);
    const [download] = graph.requestsTo(/^\/download\//);
    expect(redirect).toMatchObject({ status: 302, authorization: true });
    expect(download).toMatchObject({ status: 200, authorization: false });
    expect(download.host).toMatch(/^localhost:/);
  });

  it('fails with a typed error that names neither the secret nor a URL when the credential is refused', async () => {
    const error = await sourceFor(graph, 'wrong-secret')
      .delta(null)
      .catch((e: unknown) => e);
    expect(isPacketSourceError(error, 'unauthorized')).toBe(true);
    expect(String((error as Error).message)).not.toMatch(/wrong-secret|https?:\/\//);
  });
});
