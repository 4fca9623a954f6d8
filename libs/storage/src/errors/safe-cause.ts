/**
 * Node's fs errors put the absolute path in `message` and `path`; Azure's RestError carries the
 * request (URL with any SAS token, headers). Both would leak through `cause` into logs and traces,
 * so a lake error keeps a copy that holds only what helps diagnose: name, errno/service code,
 * syscall and HTTP status.
 */
export function safeCause(error: unknown): Error {
  if (!(error instanceof Error)) return new Error('non-error thrown');
  const fields = error as Error & { code?: unknown; syscall?: unknown; statusCode?: unknown };
  const parts = [
    typeof fields.code === 'string' ? fields.code : undefined,
    typeof fields.syscall === 'string' ? `during ${fields.syscall}` : undefined,
    typeof fields.statusCode === 'number' ? `HTTP ${fields.statusCode}` : undefined,
  ].filter((part): part is string => part !== undefined);
  const safe = new Error(parts.length > 0 ? parts.join(' ') : error.name);
  safe.name = error.name;
  if (typeof fields.code === 'string') Object.assign(safe, { code: fields.code });
  if (typeof fields.statusCode === 'number') Object.assign(safe, { statusCode: fields.statusCode });
  // Keep the original frames (code locations) but drop the first line, which repeats the message.
  const frames = error.stack?.split('\n').filter((line) => line.trimStart().startsWith('at '));
  safe.stack = [`${safe.name}: ${safe.message}`, ...(frames ?? [])].join('\n');
  return safe;
}
