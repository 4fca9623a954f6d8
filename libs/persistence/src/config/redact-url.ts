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
