import { jsonShapeProblem } from './json-limits';

const limits = { maxDepth: 4, maxKeys: 10 };
const nested = (levels: number): unknown => JSON.parse('['.repeat(levels) + ']'.repeat(levels));

describe('jsonShapeProblem', () => {
  it('accepts bodies within both limits, scalars included', () => {
    expect(jsonShapeProblem({ a: { b: [1, { c: null }] } }, limits)).toBeUndefined();
    expect(jsonShapeProblem(nested(4), limits)).toBeUndefined();
    expect(jsonShapeProblem('text', limits)).toBeUndefined();
    expect(jsonShapeProblem(null, limits)).toBeUndefined();
  });

  it('names the depth limit, also for a body far too deep for recursion', () => {
    expect(jsonShapeProblem(nested(5), limits)).toBe('the JSON body nests deeper than 4 levels');
    expect(jsonShapeProblem(nested(200_000), { maxDepth: 32, maxKeys: 1000 })).toBe('the JSON body nests deeper than 32 levels');
  });

  it('counts object keys and array items over the whole document', () => {
    expect(jsonShapeProblem({ a: [1, 2, 3, 4], b: { c: 1, d: 2, e: 3, f: 4 } }, limits)).toBeUndefined();
    expect(jsonShapeProblem({ a: [1, 2, 3, 4], b: { c: 1, d: 2, e: 3, f: 4, g: 5 } }, limits)).toBe('the JSON body has more than 10 keys and items');
    expect(
      jsonShapeProblem(
        Array.from({ length: 11 }, () => 0),
        limits,
      ),
    ).toMatch(/more than 10/);
  });
});
