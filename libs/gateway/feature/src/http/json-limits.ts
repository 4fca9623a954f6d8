/** How deep and how large a JSON request body may be. */
export interface JsonLimits {
  /** Nesting levels (LEAF_JSON_MAX_DEPTH): a scalar body is depth 0, `{"a":1}` depth 1. */
  maxDepth: number;
  /** Object keys plus array items over the whole document (LEAF_JSON_MAX_KEYS). */
  maxKeys: number;
}

/**
 * What is wrong with a parsed body's shape, or undefined. Walks the document with an explicit
 * stack (never recursion: the point is that a 100,000-level body cannot overflow anything) and
 * stops at the first limit crossed, so a huge body costs no more than the limit.
 */
export function jsonShapeProblem(body: unknown, limits: JsonLimits): string | undefined {
  const stack: Array<{ value: unknown; depth: number }> = [{ value: body, depth: 0 }];
  let keys = 0;
  while (stack.length) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    if (value === null || typeof value !== 'object') continue;
    if (depth + 1 > limits.maxDepth) return `the JSON body nests deeper than ${limits.maxDepth} levels`;
    const children = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
    keys += children.length;
    if (keys > limits.maxKeys) return `the JSON body has more than ${limits.maxKeys} keys and items`;
    for (const child of children) if (child !== null && typeof child === 'object') stack.push({ value: child, depth: depth + 1 });
  }
  return undefined;
}
