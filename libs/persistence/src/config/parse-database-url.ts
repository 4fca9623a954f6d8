import { PersistenceError } from '../errors/persistence.error';
import { parseDatabaseConfig, type DatabaseConfig } from './database-config';
import { redactUrl } from '@leaf/platform';

/**
 * One environment variable describes the database:
 *
 * - `pglite:memory` — in-memory embedded Postgres
 * - `pglite:<dir>` — file-backed embedded Postgres (relative dirs resolve against the working directory)
 * - `postgres://…` / `postgresql://…` — a PostgreSQL server; `?poolSize=` is taken out and applied;
 *   `?authentication=azure-default[&clientId=…]` signs in with Microsoft Entra ID (Azure Database for
 *   PostgreSQL flexible server with workload identity): the URL's user is the Entra principal
 * - `mssql://user:pass@host:1433/db?encrypt=true` — SQL Server with SQL authentication;
 *   `mssql://host/db?authentication=azure-default[&clientId=…]` uses DefaultAzureCredential;
 *   `trustServerCertificate=true` and `poolSize=` are also read. `sqlserver://` is accepted too.
 *
 * Errors quote the URL with its password redacted.
 */
export function parseDatabaseUrl(raw: string): DatabaseConfig {
  const url = raw.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'pglite':
      return parsePglite(url);
    case 'postgres':
    case 'postgresql':
      return parsePostgres(url);
    case 'mssql':
    case 'sqlserver':
      return parseMssql(url);
    default:
      throw invalid(url, 'expected a pglite:, postgres://, postgresql://, mssql:// or sqlserver:// URL');
  }
}

function parsePglite(url: string): DatabaseConfig {
  const location = url.slice('pglite:'.length).replace(/^\/\/(?=[./]|[a-z]:)/i, '');
  if (location === '') throw invalid(url, 'pglite: needs "memory" or a directory');
  if (location === 'memory' || location === '//memory') return parseDatabaseConfig({ kind: 'pglite' });
  return parseDatabaseConfig({ kind: 'pglite', dataDir: location });
}

function parsePostgres(raw: string): DatabaseConfig {
  const url = parseUrl(raw);
  if (!url.hostname) throw invalid(raw, 'a host is required');
  const poolSize = takeInt(url, 'poolSize', raw);
  const authentication = take(url, 'authentication');
  const clientId = take(url, 'clientId');
  if (authentication !== undefined && authentication !== 'password' && authentication !== 'azure-default') {
    throw invalid(raw, 'authentication must be password or azure-default');
  }
  if (authentication === 'azure-default' && url.password) throw invalid(raw, 'authentication=azure-default takes no password');
  if (authentication === 'azure-default' && !url.username) {
    throw invalid(raw, 'authentication=azure-default needs the Entra principal as the user (postgres://<identity>@host/db)');
  }
  return parseDatabaseConfig({
    kind: 'postgres',
    url: url.toString(),
    ...(poolSize === undefined ? {} : { poolSize }),
    ...(authentication === 'azure-default' ? { authentication } : {}),
    ...(clientId === undefined ? {} : { clientId }),
  });
}

function parseMssql(raw: string): DatabaseConfig {
  const url = parseUrl(raw);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!url.hostname) throw invalid(raw, 'a host is required');
  if (!database) throw invalid(raw, 'a database name is required as the path (mssql://host:1433/<database>)');

  const user = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  const authentication = url.searchParams.get('authentication') ?? (user === undefined ? 'azure-default' : 'sql');
  const clientId = url.searchParams.get('clientId') ?? undefined;
  const poolSize = takeInt(url, 'poolSize', raw);
  return parseDatabaseConfig({
    kind: 'mssql',
    server: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    database,
    ...(user === undefined ? {} : { user }),
    ...(password === undefined ? {} : { password }),
    authentication,
    ...(clientId === undefined ? {} : { clientId }),
    encrypt: takeBool(url, 'encrypt', true, raw),
    trustServerCertificate: takeBool(url, 'trustServerCertificate', false, raw),
    ...(poolSize === undefined ? {} : { poolSize }),
  });
}

function parseUrl(raw: string): URL {
  try {
    return new URL(raw);
  } catch {
    // Not kept as `cause`: Node's URL error carries the raw input, password included.
    throw invalid(raw, 'not a valid URL');
  }
}

function take(url: URL, name: string): string | undefined {
  const value = url.searchParams.get(name);
  url.searchParams.delete(name);
  return value ?? undefined;
}

function takeInt(url: URL, name: string, raw: string): number | undefined {
  const value = url.searchParams.get(name);
  url.searchParams.delete(name);
  if (value === null) return undefined;
  if (!/^\d+$/.test(value)) throw invalid(raw, `${name} must be a positive integer`);
  return Number(value);
}

function takeBool(url: URL, name: string, fallback: boolean, raw: string): boolean {
  const value = url.searchParams.get(name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (value === 'true' || value === '1' || value === 'yes') return true;
  if (value === 'false' || value === '0' || value === 'no') return false;
  throw invalid(raw, `${name} must be true or false`);
}

function invalid(raw: string, reason: string, cause?: unknown): PersistenceError {
  return new PersistenceError('PERSISTENCE_URL_INVALID', `Invalid database URL ${redactUrl(raw)}: ${reason}`, { cause });
}
