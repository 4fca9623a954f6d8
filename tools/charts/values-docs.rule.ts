import { parse } from 'yaml';

/** Dotted paths of every leaf value; list items are addressed as `list[].key`. */
function leafPaths(value: unknown, prefix: string): string[] {
  if (Array.isArray(value)) {
    return value.length === 0 ? [prefix] : [...new Set(value.flatMap((item) => leafPaths(item, `${prefix}[]`)))];
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return [prefix];
    return entries.flatMap(([key, child]) => leafPaths(child, prefix ? `${prefix}.${key}` : key));
  }
  return [prefix];
}

/** `a.b[].c` -> `a.b[]` -> `a.b` -> `a` -> ``. */
const parentOf = (path: string): string => {
  if (path.endsWith('[]')) return path.slice(0, -2);
  const dot = path.lastIndexOf('.');
  return dot < 0 ? '' : path.slice(0, dot);
};

/**
 * The chart values a reader cannot find documented: every leaf of values.yaml needs a
 * `## @param <path> <description>` line (bitnami convention), on itself or on a parent.
 */
export function undocumentedValues(valuesYaml: string): string[] {
  const documented = new Set([...valuesYaml.matchAll(/^\s*## @param (\S+) \S/gm)].map((match) => match[1]));
  const covered = (path: string): boolean => {
    for (let candidate = path; candidate !== ''; candidate = parentOf(candidate)) {
      if (documented.has(candidate)) return true;
    }
    return false;
  };
  return leafPaths(parse(valuesYaml) ?? {}, '').filter((path) => !covered(path));
}
