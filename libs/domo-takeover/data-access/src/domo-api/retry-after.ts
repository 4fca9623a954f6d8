/**
 * The wait a `Retry-After` header asks for, in ms: delta-seconds or an HTTP date; `undefined`
 * when absent or unreadable (the caller's own back-off applies then).
 */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
