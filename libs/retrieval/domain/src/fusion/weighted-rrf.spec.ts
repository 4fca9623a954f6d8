import { fuseWeightedRrf } from './weighted-rrf';

describe('fuseWeightedRrf', () => {
  it('adds w / (k + rank) over branches and keeps each branch rank and score', () => {
    const fused = fuseWeightedRrf(
      [
        {
          branch: 'keyword',
          hits: [
            { id: 'a', score: 0.9 },
            { id: 'b', score: 0.5 },
          ],
        },
        {
          branch: 'vector',
          hits: [
            { id: 'b', score: 0.8 },
            { id: 'c', score: 0.7 },
          ],
        },
      ],
      { keyword: 1, vector: 1 },
    );
    expect(fused.map((h) => h.id)).toEqual(['b', 'a', 'c']);
    expect(fused[0]?.score).toBeCloseTo(1 / 62 + 1 / 61, 10);
    expect(fused[0]?.subscores).toEqual({ keyword: { rank: 2, score: 0.5 }, vector: { rank: 1, score: 0.8 } });
    expect(fused[2]?.subscores.keyword).toBeNull();
  });

  it('lets a weight decide between a keyword-only and a vector-only hit', () => {
    const rankings = [
      { branch: 'keyword' as const, hits: [{ id: 'k', score: 1 }] },
      { branch: 'vector' as const, hits: [{ id: 'v', score: 1 }] },
    ];
    expect(fuseWeightedRrf(rankings, { keyword: 2, vector: 1 })[0]?.id).toBe('k');
    expect(fuseWeightedRrf(rankings, { keyword: 1, vector: 2 })[0]?.id).toBe('v');
  });
});
