import { LexicalEmbedding } from './lexical-embedding';

const cosine = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);

describe('LexicalEmbedding', () => {
  const e = new LexicalEmbedding(256);

  it('is deterministic, unit length and of its declared dimension', async () => {
    const [a, b] = await e.embed(['Specialty brand discount', 'Specialty brand discount']);
    expect(a).toEqual(b);
    expect(a).toHaveLength(256);
    expect(Math.abs(cosine(a!, a!) - 1)).toBeLessThan(1e-4);
  });

  it('puts texts that share words and spellings closer than unrelated ones (lexical, not semantic)', () => {
    const q = e.embedOne('specialty brand discount guarantee');
    const near = e.embedOne('Metric: AWP discount; Channel: Specialty; Drug type: Brand; Guarantee: AWP-21%');
    const far = e.embedOne('Dispensing fee for mail order generic claims');
    expect(cosine(q, near)).toBeGreaterThan(cosine(q, far));
    expect(cosine(e.embedOne('discounts'), e.embedOne('discount'))).toBeGreaterThan(0.5);
  });

  it('refuses a dimension it cannot index', () => {
    expect(() => new LexicalEmbedding(3)).toThrow('8..4096');
  });
});
