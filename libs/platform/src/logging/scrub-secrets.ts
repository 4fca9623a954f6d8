/**
 * The one home of secret scrubbing (logs, error details, health answers). Value-level: it finds
 * what key-based redaction cannot see, a bearer token inside a message, a SAS or pre-signed URL's
 * signature, a password inside a connection string or URL. Where the two earlier copies differed,
 * the stricter rule of each won: every key below, with `=` or `:`, in any case.
 */
const secretPairKeys = 'password|passwd|pwd|secret|client_secret|token|access_?token|refresh_?token|accountkey|sharedaccesskey|sharedaccesssignature|api_?key';

const patterns: ReadonlyArray<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi, '$1 [REDACTED]'],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[REDACTED_JWT]'],
  // Azure SAS, S3 / GCS pre-signed and Graph download URLs: keep the path, drop the query.
  [/(https?:\/\/[^\s"'?]+)\?[^\s"']*(?:sig|signature|x-amz-signature|x-goog-signature|tempauth|token|code)=[^\s"']*/gi, '$1?[REDACTED]'],
  // user:password@ in any URL (postgres://, amqps://, https://…).
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@"']+:)[^\s@/"']+@/gi, '$1[REDACTED]@'],
  // ADO.NET / ODBC / Azure connection strings and `key: value` text: the value goes, the key stays.
  [new RegExp(`\\b(${secretPairKeys})(\\s*[=:]\\s*)("[^"]*"|'[^']*'|[^;\\s,&"']+)`, 'gi'), '$1$2[REDACTED]'],
];

/** The text with every secret it carries replaced by `[REDACTED]`; the rest stays readable. */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of patterns) out = out.replace(pattern, replacement);
  return out;
}

const anyUrl = /\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>]+/gi;

/**
 * For text published outside the service (a health endpoint's detail): secrets scrubbed and
 * every URL removed whole, because a connection string names hosts and users even without its
 * password.
 */
export function scrubForPublication(text: string): string {
  return scrubSecrets(text.replace(anyUrl, '<url>'));
}

const secretKey =
  /^(authorization|cookie|set-cookie|password|passwd|secret|token|access_token|refresh_token|id_token|client_secret|api[-_]?key|connection_?string|sas|signature|x-api-key|cf-access-jwt-assertion)$/i;

/** Deep copy with secret-named keys replaced and every string scrubbed. Cycles are cut, not followed. */
export function scrubObject(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (value instanceof Error) {
    return {
      type: value.name,
      message: scrubSecrets(value.message),
      code: (value as { code?: unknown }).code,
      stack: value.stack && scrubSecrets(value.stack),
    };
  }
  if (Array.isArray(value)) return value.map((v) => scrubObject(v, seen));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = secretKey.test(key) ? '[REDACTED]' : scrubObject(v, seen);
  return out;
}

/**
 * A URL safe to print: the password (and any `password=` style query value) replaced by `***`.
 * Anything that is not a parseable URL is reduced to its scheme, because a malformed URL can still
 * hold a secret in a place we cannot recognise.
 */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1];
    return scheme ? `${scheme}:***` : '***';
  }
  if (url.password) url.password = '***';
  for (const key of [...url.searchParams.keys()]) {
    if (/pass|pwd|secret|token|key/i.test(key)) url.searchParams.set(key, '***');
  }
  return url.toString();
}
