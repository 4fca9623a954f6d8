/**
 * Value-level scrubbing for what key-based redaction cannot see: a bearer token inside a message,
 * a SAS or pre-signed URL's signature, a password inside a connection string or URL.
 */
const patterns: ReadonlyArray<[RegExp, string]> = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi, '$1 [REDACTED]'],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, '[REDACTED_JWT]'],
  // Azure SAS, S3 / GCS pre-signed and Graph download URLs: keep the path, drop the query.
  [/(https?:\/\/[^\s"'?]+)\?[^\s"']*(?:sig|signature|x-amz-signature|x-goog-signature|tempauth|token|code)=[^\s"']*/gi, '$1?[REDACTED]'],
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@"']+:)[^\s@/"']+@/gi, '$1[REDACTED]@'],
  [/\b(AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd|client_secret)=([^;\s"']+)/gi, '$1=[REDACTED]'],
];

export function scrubSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of patterns) out = out.replace(pattern, replacement);
  return out;
}

const secretKey = /^(authorization|cookie|set-cookie|password|passwd|secret|token|access_token|refresh_token|id_token|client_secret|api[-_]?key|connection_?string|sas|signature|x-api-key|cf-access-jwt-assertion)$/i;

/** Deep copy with secret-named keys replaced and every string scrubbed. Cycles are cut, not followed. */
export function scrubObject(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (value instanceof Error) {
    return { type: value.name, message: scrubSecrets(value.message), code: (value as { code?: unknown }).code, stack: value.stack && scrubSecrets(value.stack) };
  }
  if (Array.isArray(value)) return value.map((v) => scrubObject(v, seen));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = secretKey.test(key) ? '[REDACTED]' : scrubObject(v, seen);
  return out;
}
