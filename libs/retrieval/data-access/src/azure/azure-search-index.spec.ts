import { AzureKeyCredential } from '@azure/search-documents';
import { FakeAzureSearchServer } from '@leaf/testing';
import { LexicalEmbedding, type SearchScope } from '@leaf/retrieval/domain';
import type { EntityManager } from 'typeorm';
import type { IndexDocument } from '../search-index.port';
import { AzureSearchIndex, azureChunkKey, azureScopeFilter } from './azure-search-index';

const embedding = new LexicalEmbedding(256);
const q = 'specialty brand discount guarantee';
const qv = embedding.embedOne(q);
const noTx = {} as EntityManager;

const doc = (documentId: string, clientId: string, chunks: { text: string; embedding?: number[] }[], minRole = 0): IndexDocument => ({
  documentId,
  module: 'contracts',
  clientId,
  source: 'contract-packet',
  objectId: documentId,
  title: `${documentId} schedule`,
  sha256: 'c'.repeat(64),
  minRole,
  embeddingModel: embedding.name,
  chunks: chunks.map((c, seq) => ({ seq, locator: `u1:r${seq + 1}`, text: c.text, embedding: c.embedding ?? embedding.embedOne(c.text) })),
});

/**
 * The Azure AI Search adapter through the real `@azure/search-documents` client against a local
 * server speaking the REST shapes it uses: indexes created from code, chunks pushed in batches
 * with retries, a replaced document's leftover chunks deleted, and the scope filter sent with
 * EACH branch (keyword and vector), so another client's keyword-only and vector-only hits never
 * come back even where they would win the fusion.
 */
describe('AzureSearchIndex against a local Azure AI Search REST server', () => {
  let fake: FakeAzureSearchServer;
  let index: AzureSearchIndex;
  const scope = (s: Partial<SearchScope> = {}): SearchScope => ({ clientIds: ['alpha'], modules: ['contracts'], role: 'analyst', ...s });
  const search = (s: Partial<SearchScope> = {}, text = q, vector: number[] | null = qv) =>
    index.query({ text, embedding: vector, scope: scope(s), weights: { keyword: 1, vector: 1 }, limit: 10, branchDepth: 3 });

  beforeAll(async () => {
    fake = await FakeAzureSearchServer.start();
    index = new AzureSearchIndex({
      endpoint: fake.url,
      credential: new AzureKeyCredential(fake.apiKey),
      indexPrefix: 'leaf',
      dimensions: 256,
      batchSize: 2,
      sdkRetries: 0,
      allowInsecureConnection: true,
    });
    await index.ensureIndexes(['contracts', 'findings']);
  });
  afterAll(() => fake?.stop());

  it('creates one index per module from code: key, filterable scope fields, an HNSW cosine vector profile and a semantic configuration', () => {
    const def = fake.indexDefinition('leaf-contracts') as {
      fields: Array<Record<string, unknown>>;
      vectorSearch: Record<string, unknown>;
      semantic?: unknown;
      semanticSearch?: unknown;
    };
    expect(def.fields.find((f) => f['key'])).toMatchObject({ name: 'id', type: 'Edm.String' });
    for (const name of ['clientId', 'module', 'minRole', 'documentId']) expect(def.fields.find((f) => f['name'] === name)).toMatchObject({ filterable: true });
    expect(def.fields.find((f) => f['name'] === 'embedding')).toMatchObject({
      type: 'Collection(Edm.Single)',
      dimensions: 256,
      vectorSearchProfile: 'leaf-hnsw-cosine',
    });
    expect(JSON.stringify(def.vectorSearch)).toContain('"metric":"cosine"');
    expect(JSON.stringify(def)).toContain('leaf-semantic');
    expect(fake.indexDefinition('leaf-findings')).toBeDefined();
  });

  it('pushes in batches, retries a busy service and a document Azure could not take yet', async () => {
    fake.failNext(1, 503, 0);
    fake.failDocument(azureChunkKey('alpha-schedule', 1), 503);
    await index.replace(
      doc('alpha-schedule', 'alpha', [
        { text: 'Metric: AWP discount; Channel: Specialty; Drug type: Brand; Guarantee: AWP-21%' },
        { text: 'Metric: Dispensing fee; Channel: Mail order; Guarantee: $1.50' },
        { text: 'Metric: Rebate per brand claim; Guarantee: $40' },
      ]),
      noTx,
    );
    expect(fake.documents('leaf-contracts').filter((d) => d['documentId'] === 'alpha-schedule')).toHaveLength(3);
    const pushes = fake.requests.filter((r) => r.path.endsWith('/docs/search.index'));
    expect(pushes.every((r) => ((r.body?.['value'] as unknown[]) ?? []).length <= 2)).toBe(true);
    expect(pushes.some((r) => (r.body?.['value'] as Array<Record<string, unknown>>).every((a) => a['@search.action'] === 'mergeOrUpload'))).toBe(true);
  });

  it("never answers another client's keyword-only or vector-only hit, which wins when both clients are searched", async () => {
    await index.replace(doc('bravo-keyword-only', 'bravo', [{ text: `${q} ${q} ${q}`, embedding: qv.map((x) => -x) }]), noTx);
    await index.replace(doc('bravo-vector-only', 'bravo', [{ text: 'zzz qqq', embedding: qv }]), noTx);
    await index.replace(
      doc(
        'bravo-filler',
        'bravo',
        Array.from({ length: 5 }, (_, i) => ({ text: `${q} ${q} row ${i}` })),
      ),
      noTx,
    );

    const both = await search({ clientIds: ['alpha', 'bravo'] });
    expect(both.find((h) => h.documentId === 'bravo-vector-only')?.vector?.rank).toBe(1);
    expect(both.find((h) => h.documentId === 'bravo-keyword-only')?.keyword?.rank).toBe(1);
    expect(both.find((h) => h.documentId === 'alpha-schedule' && h.locator === 'u1:r1')?.keyword ?? null).toBeNull();

    const before = fake.requests.length;
    const hits = await search();
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.clientId === 'alpha')).toBe(true);
    expect(hits[0]).toMatchObject({ documentId: 'alpha-schedule', locator: 'u1:r1', keyword: { rank: 1 }, vector: { rank: 1 } });
    // Each branch carried the scope: the keyword request and the pre-filtered vector request.
    const sent = fake.requests
      .slice(before)
      .filter((r) => r.path.endsWith('/docs/search.post.search'))
      .map((r) => r.body!);
    expect(sent).toHaveLength(2);
    for (const body of sent) expect(body['filter']).toBe(azureScopeFilter(scope(), 'contracts'));
    expect(sent.find((b) => b['vectorQueries'])).toMatchObject({
      vectorFilterMode: 'preFilter',
      vectorQueries: [{ kind: 'vector', k: 3, fields: 'embedding' }],
    });
    expect(azureScopeFilter(scope(), 'contracts')).toBe("search.in(clientId, 'alpha', ',') and module eq 'contracts' and minRole le 1");
  });

  it('hides a document above the role floor, and keeps the keyword branch alone without an embedding', async () => {
    await index.replace(doc('alpha-operator', 'alpha', [{ text: `${q} operator note` }], 2), noTx);
    expect((await search()).map((h) => h.documentId)).not.toContain('alpha-operator');
    expect((await search({ role: 'operator' })).map((h) => h.documentId)).toContain('alpha-operator');
    const keywordOnly = await search({}, q, null);
    expect(keywordOnly.every((h) => h.vector === null && h.clientId === 'alpha')).toBe(true);
  });

  it("replaces a document's chunks (the leftovers deleted) and removes a document", async () => {
    await index.replace(doc('alpha-schedule', 'alpha', [{ text: 'Metric: Rebate per brand claim; Guarantee: $45' }]), noTx);
    expect(
      fake
        .documents('leaf-contracts')
        .filter((d) => d['documentId'] === 'alpha-schedule')
        .map((d) => d['text']),
    ).toEqual(['Metric: Rebate per brand claim; Guarantee: $45']);
    await index.remove(['alpha-schedule'], noTx);
    expect(fake.documents('leaf-contracts').filter((d) => d['documentId'] === 'alpha-schedule')).toEqual([]);
  });

  it('gives up after its attempts on a service that stays busy, with the status', async () => {
    const stubborn = new AzureSearchIndex({
      endpoint: fake.url,
      credential: new AzureKeyCredential(fake.apiKey),
      indexPrefix: 'leaf',
      dimensions: 256,
      maxAttempts: 2,
      sdkRetries: 0,
      allowInsecureConnection: true,
    });
    fake.failNext(10, 503, 0);
    await expect(stubborn.replace(doc('alpha-x', 'alpha', [{ text: 'x' }]), noTx)).rejects.toMatchObject({ statusCode: 503 });
    fake.failNext(0, 503);
  });
});
