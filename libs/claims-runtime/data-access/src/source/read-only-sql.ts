import { ClaimsSourceError } from './claims-source.error';

const writeKeywords =
  /\b(INSERT|UPDATE|DELETE|MERGE|DROP|ALTER|CREATE|TRUNCATE|EXEC|EXECUTE|GRANT|REVOKE|INTO|DENY|BACKUP|RESTORE|DBCC|OPENROWSET|OPENQUERY|BULK)\b/i;

/**
 * The last line of defence for the read-only claims authority: every statement the source adapter
 * sends passes through here. Quoted identifiers and string literals are removed first (a column may
 * legitimately be called `update_ts`), then the statement must be one SELECT (or WITH … SELECT)
 * with no statement separator and no write keyword. Production also connects with a read-only
 * login and `ApplicationIntent=ReadOnly`; this check does not rely on that.
 */
export function assertReadOnlySql(sql: string): void {
  const bare = sql
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/"(?:[^"]|"")*"/g, 'q')
    .replace(/\[(?:[^\]]|\]\])*\]/g, 'q');
  const problem = !/^\s*(SELECT|WITH)\b/i.test(bare)
    ? 'is not a SELECT'
    : bare.includes(';')
      ? 'contains a statement separator'
      : bare.includes('--') || bare.includes('/*')
        ? 'contains a comment'
        : writeKeywords.test(bare)
          ? `contains ${writeKeywords.exec(bare)?.[1]?.toUpperCase()}`
          : undefined;
  if (problem) throw new ClaimsSourceError('CLAIMS_SOURCE_WRITE_REFUSED', `refusing to send a claims source statement that ${problem}`);
}
