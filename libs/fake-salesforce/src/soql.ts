/**
 * The slice of SOQL the fake org answers: `SELECT f, … | COUNT() FROM Object [WHERE c AND c …]
 * [ORDER BY f [ASC|DESC]] [LIMIT n]`, each condition `field op value` with `= != < <= > >=`,
 * `IN (…)` / `NOT IN (…)`; values are quoted strings, datetime literals, numbers, true/false/null.
 * Anything else is a `MALFORMED_QUERY`, as Salesforce answers.
 */
export type SoqlValue = string | number | boolean | null;

export interface SoqlCondition {
  field: string;
  op: '=' | '!=' | '<' | '<=' | '>' | '>=' | 'IN' | 'NOT IN';
  value: SoqlValue | SoqlValue[];
}

export interface SoqlQuery {
  object: string;
  /** Empty for `COUNT()`. */
  fields: string[];
  count: boolean;
  where: SoqlCondition[];
  orderBy?: { field: string; desc: boolean };
  limit?: number;
}

export class SoqlError extends Error {
  constructor(
    readonly errorCode: 'MALFORMED_QUERY' | 'INVALID_FIELD' | 'INVALID_TYPE',
    message: string,
  ) {
    super(message);
  }
}

const datetime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:?\d{2})$/;

function parseValue(raw: string): SoqlValue {
  const v = raw.trim();
  if (v.startsWith("'") && v.endsWith("'") && v.length >= 2) return v.slice(1, -1).replace(/\\'/g, "'").replace(/\\\\/g, '\\');
  if (/^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  if (/^null$/i.test(v)) return null;
  if (datetime.test(v)) return new Date(v.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')).toISOString();
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${v.slice(0, 40)}'`);
}

/** Splits `a, 'b,c', d` on commas outside quotes. */
function splitList(list: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < list.length; i++) {
    const ch = list[i];
    if (ch === "'" && list[i - 1] !== '\\') quoted = !quoted;
    if (ch === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur);
  return out;
}

export function parseSoql(soql: string): SoqlQuery {
  const text = soql.replace(/\s+/g, ' ').trim();
  const m = /^SELECT (.+?) FROM (\w+)(?: WHERE (.+?))?(?: ORDER BY (\w+)(?: (ASC|DESC))?)?(?: LIMIT (\d+))?$/i.exec(text);
  if (!m) throw new SoqlError('MALFORMED_QUERY', `unexpected query: ${text.slice(0, 80)}`);
  const [, select, object, where, orderField, orderDir, limit] = m;
  const count = /^COUNT\(\s*\)$/i.test(select.trim());
  const fields = count ? [] : select.split(',').map((f) => f.trim());
  if (!count && fields.some((f) => !/^\w+$/.test(f))) throw new SoqlError('MALFORMED_QUERY', 'only plain field names are supported in SELECT');
  const conditions: SoqlCondition[] = [];
  if (where) {
    for (const part of where.split(/ AND (?=(?:[^']*'[^']*')*[^']*$)/i)) {
      const c = /^(\w+) ?(NOT IN|IN|!=|<=|>=|=|<|>) ?(.+)$/i.exec(part.trim());
      if (!c) throw new SoqlError('MALFORMED_QUERY', `unexpected condition: ${part.slice(0, 60)}`);
      const op = c[2].toUpperCase() as SoqlCondition['op'];
      if (op === 'IN' || op === 'NOT IN') {
        const list = /^\((.*)\)$/.exec(c[3].trim());
        if (!list) throw new SoqlError('MALFORMED_QUERY', 'IN needs a parenthesised list');
        conditions.push({ field: c[1], op, value: splitList(list[1]).map(parseValue) });
      } else conditions.push({ field: c[1], op, value: parseValue(c[3]) });
    }
  }
  return {
    object,
    fields,
    count,
    where: conditions,
    orderBy: orderField ? { field: orderField, desc: (orderDir ?? '').toUpperCase() === 'DESC' } : undefined,
    limit: limit ? Number(limit) : undefined,
  };
}

function compare(a: unknown, b: SoqlValue): number {
  if (a === null || a === undefined) return b === null ? 0 : -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const as = String(a);
  const bs = String(b);
  // Datetimes compare as instants whatever their offset notation.
  if (datetime.test(as) && datetime.test(bs)) return Date.parse(as) - Date.parse(bs);
  return as < bs ? -1 : as > bs ? 1 : 0;
}

export function matches(record: Readonly<Record<string, unknown>>, conditions: readonly SoqlCondition[]): boolean {
  return conditions.every((c) => {
    const v = record[c.field];
    switch (c.op) {
      case '=':
        return compare(v, c.value as SoqlValue) === 0;
      case '!=':
        return compare(v, c.value as SoqlValue) !== 0;
      case '<':
        return compare(v, c.value as SoqlValue) < 0;
      case '<=':
        return compare(v, c.value as SoqlValue) <= 0;
      case '>':
        return compare(v, c.value as SoqlValue) > 0;
      case '>=':
        return compare(v, c.value as SoqlValue) >= 0;
      case 'IN':
        return (c.value as SoqlValue[]).some((x) => compare(v, x) === 0);
      case 'NOT IN':
        return !(c.value as SoqlValue[]).some((x) => compare(v, x) === 0);
    }
  });
}
