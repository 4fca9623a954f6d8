const urlPattern = /\b[a-z][a-z0-9+.-]*:\/\/[^\s'"<>]+/gi;
const keyValuePattern = /\b(password|pwd|secret|token|accesstoken|accountkey|sharedaccesskey)\s*[=:]\s*("[^"]*"|'[^']*'|[^;\s,]+)/gi;

/**
 * Makes a driver's error text safe to publish on a health endpoint or in a log: any URL is
 * removed whole (a connection string names hosts and users even without its password) and
 * `password=…`-style pairs (ADO.NET / ODBC connection strings, which SQL Server errors may echo)
 * lose their values.
 */
export function scrubSecrets(text: string): string {
  return text.replace(urlPattern, '<url>').replace(keyValuePattern, (_match, key: string) => `${key}=***`);
}
