import type { DataSource } from 'typeorm';
import { createDataSource, postgresMigrations, runMigrations } from '@leaf/persistence';
import { testDatabaseTargets, type TestDatabase } from '@leaf/persistence/testing';
import { LexicalEmbedding, type SearchScope } from '@leaf/retrieval/domain';
import { retrievalMigrations } from '../migrations/1735500000000-retrieval-schema';
import { SearchDocumentsRegistry } from '../registry/search-documents.registry';
import type { HybridQuery, IndexChunk } from '../search-index.port';
import { PostgresSearchIndex } from './postgres-search-index';

const embedding = new LexicalEmbedding(256);
const q = 'specialty brand discount guarantee';
const qv = embedding.embedOne(q);
const opposite = qv.map((x) => -x);

/**
 * The scope-filter proof. Client `bravo` holds a keyword-only hit (every query word, an embedding
 * pointing away from the query) and a vector-only hit (no query word, the query's own embedding),
 * plus filler that outranks `alpha` in both branches. Searched across both clients they win the
 * fusion; searched as `alpha`, none of them appears, and alpha's weaker chunks still fill both
 * branches (a filter after the fusion would have left the top of each branch to bravo).
 */
describe.each(testDatabaseTargets())('PostgreSQL hybrid index on $name', ({ name, create }) => {
  let db: TestDatabase;
  let ds: DataSource;
  let index: PostgresSearchIndex;
  let registry: SearchDocumentsRegistry;
  let vector: boolean;

  const put = async (
    documentId: string,
    clientId: string,
    chunks: { text: string; embedding?: number[] }[],
    module: 'contracts' | 'findings' = 'contracts',
    minRole = 0,
  ) => {
    const indexChunks: IndexChunk[] = chunks.map((c, i) => ({
      seq: i,
      locator: `u1:r${i + 1}`,
      text: c.text,
      embedding: c.embedding ?? embedding.embedOne(c.text),
    }));
    await registry.transaction(async (m) => {
      await registry.save(m, {
        documentId,
        module,
        clientId,
        source: 'contract-packet',
        objectId: documentId,
        kind: null,
        title: `${documentId} schedule`,
        sha256: 'a'.repeat(64),
        locator: 'p1',
        minRole,
        status: 'indexed',
        supersededBy: null,
        sourceUpdatedAt: null,
        body: '{}',
      });
      await index.replace(
        {
          documentId,
          module,
          clientId,
          source: 'contract-packet',
          objectId: documentId,
          title: `${documentId} schedule`,
          sha256: 'a'.repeat(64),
          minRole,
          embeddingModel: embedding.name,
          chunks: indexChunks,
        },
        m,
      );
    });
  };
  const search = (scope: Partial<SearchScope>, extra: Partial<HybridQuery> = {}) =>
    index.query({
      text: q,
      embedding: qv,
      scope: { clientIds: ['alpha'], modules: ['contracts'], role: 'analyst', ...scope },
      weights: { keyword: 1, vector: 1 },
      limit: 10,
      branchDepth: 3,
      ...extra,
    });

  beforeAll(async () => {
    db = await create();
    ds = await createDataSource({ kind: 'postgres', url: db.url }, { migrations: [...postgresMigrations, ...retrievalMigrations.postgres] }).initialize();
    await runMigrations(ds);
    index = new PostgresSearchIndex(ds);
    registry = new SearchDocumentsRegistry(ds);
    vector = await index.vectorBranch();
    await put('alpha-schedule', 'alpha', [
      { text: 'Metric: AWP discount; Channel: Specialty; Drug type: Brand; Guarantee: AWP-21%' },
      { text: 'Metric: Dispensing fee; Channel: Mail order; Drug type: Generic; Guarantee: $1.50' },
    ]);
    await put('bravo-keyword-only', 'bravo', [{ text: 'specialty brand discount guarantee: specialty brand discount guarantee', embedding: opposite }]);
    await put('bravo-vector-only', 'bravo', [{ text: 'zzz qqq', embedding: qv }]);
    await put(
      'bravo-filler',
      'bravo',
      Array.from({ length: 6 }, (_, i) => ({ text: `specialty brand discount guarantee, specialty brand discount guarantee row ${i}` })),
    );
  }, 60_000);
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('has the vector branch wherever pgvector is installed (PGlite always; this PostgreSQL only if it offers the extension)', async () => {
    const offered = ((await ds.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`)) as unknown[]).length > 0;
    expect(vector).toBe(offered);
    if (name === 'pglite') expect(vector).toBe(true);
  });

  it("lets another client's keyword-only and vector-only hits win when both clients are in scope (the control)", async () => {
    const hits = await search({ clientIds: ['alpha', 'bravo'] });
    const top = hits.slice(0, 3).map((h) => h.documentId);
    expect(top).toContain('bravo-keyword-only');
    if (vector) expect(hits.find((h) => h.documentId === 'bravo-vector-only')?.vector?.rank).toBe(1);
    expect(hits.find((h) => h.documentId === 'bravo-keyword-only')?.keyword?.rank).toBe(1);
    // bravo fills the keyword branch's depth: filtering after the fusion would leave alpha no keyword hit.
    expect(hits.find((h) => h.documentId === 'alpha-schedule' && h.locator === 'u1:r1')?.keyword ?? null).toBeNull();
  });

  it("never returns another client's hit, in either branch, when searching as one client; the client's own chunks fill each branch", async () => {
    const hits = await search({});
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => h.clientId === 'alpha')).toBe(true);
    expect(hits[0]).toMatchObject({ documentId: 'alpha-schedule', locator: 'u1:r1', keyword: { rank: 1 } });
    if (vector) expect(hits[0]?.vector?.rank).toBe(1);
    else expect(hits.every((h) => h.vector === null)).toBe(true);
    // RRF on the chunk's own ranks: the fused score is the sum of w / (60 + rank) over branches.
    const h = hits[0]!;
    expect(h.score).toBeCloseTo(1 / (60 + h.keyword!.rank) + (h.vector ? 1 / (60 + h.vector.rank) : 0), 10);
  });

  it('keeps the filter in the keyword-only and vector-only shapes of the query too', async () => {
    const keywordOnly = await search({}, { embedding: null });
    expect(keywordOnly.map((h) => h.clientId)).toEqual(keywordOnly.map(() => 'alpha'));
    expect(keywordOnly.every((h) => h.vector === null)).toBe(true);
    if (vector) {
      const vectorOnly = await search({}, { text: 'zzz qqq' });
      expect(vectorOnly.length).toBeGreaterThan(0);
      expect(vectorOnly.every((h) => h.clientId === 'alpha' && h.keyword === null)).toBe(true);
    }
  });

  it('hides documents above the role floor and modules outside the route', async () => {
    await put('alpha-operator-note', 'alpha', [{ text: 'specialty brand discount guarantee operator only' }], 'contracts', 2);
    await put('alpha-findings', 'alpha', [{ text: 'specialty brand discount guarantee shortfall' }], 'findings');
    const asAnalyst = await search({});
    expect(asAnalyst.map((h) => h.documentId)).not.toContain('alpha-operator-note');
    expect(asAnalyst.map((h) => h.documentId)).not.toContain('alpha-findings');
    expect((await search({ role: 'operator' })).map((h) => h.documentId)).toContain('alpha-operator-note');
    expect((await search({ modules: ['findings'] })).map((h) => h.documentId)).toEqual(['alpha-findings']);
  });

  it("replaces a document's chunks and removes them", async () => {
    await put('alpha-schedule', 'alpha', [{ text: 'Metric: Rebate per brand claim; Guarantee: $40' }]);
    const hits = await search({});
    expect(hits.filter((h) => h.documentId === 'alpha-schedule').map((h) => h.text)).toEqual(['Metric: Rebate per brand claim; Guarantee: $40']);
    await ds.transaction((m) => index.remove(['alpha-schedule'], m));
    expect((await search({})).map((h) => h.documentId)).not.toContain('alpha-schedule');
  });

  it('answers nothing for an empty scope instead of everything', async () => {
    expect(await search({ clientIds: [] })).toEqual([]);
    expect(await search({ modules: [] })).toEqual([]);
  });
});
