import { isPersistenceError } from '../errors/persistence.error';
import { parseDatabaseConfig } from './database-config';
import { parseDatabaseUrl } from './parse-database-url';

const secret = 'S3cr3t!Pa55';

function errorOf(action: () => unknown): Error {
  try {
    action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('parseDatabaseUrl', () => {
  it('reads pglite in memory and pglite directories, relative or absolute', () => {
    expect(parseDatabaseUrl('pglite:memory')).toEqual({ kind: 'pglite' });
    expect(parseDatabaseUrl('pglite:.data/pg')).toEqual({ kind: 'pglite', dataDir: '.data/pg' });
    expect(parseDatabaseUrl('pglite:/var/lib/leaf/pg')).toEqual({ kind: 'pglite', dataDir: '/var/lib/leaf/pg' });
    expect(parseDatabaseUrl('pglite:///var/lib/leaf/pg')).toEqual({ kind: 'pglite', dataDir: '/var/lib/leaf/pg' });
  });

  it('keeps a postgres URL whole and lifts poolSize out of it', () => {
    expect(parseDatabaseUrl('postgres://postgres@127.0.0.1:5432/leaf')).toEqual({
      kind: 'postgres',
      url: 'postgres://postgres@127.0.0.1:5432/leaf',
    });
    expect(parseDatabaseUrl('postgresql://u:p@db.internal/leaf?poolSize=25&sslmode=require')).toEqual({
      kind: 'postgres',
      url: 'postgresql://u:p@db.internal/leaf?sslmode=require',
      poolSize: 25,
    });
  });

  it('reads SQL Server with SQL authentication, decoding user and password', () => {
    expect(parseDatabaseUrl(`mssql://claims_reader:${encodeURIComponent(secret)}@sql.internal:1433/claims?encrypt=true`)).toEqual({
      kind: 'mssql',
      server: 'sql.internal',
      port: 1433,
      database: 'claims',
      user: 'claims_reader',
      password: secret,
      authentication: 'sql',
      encrypt: true,
      trustServerCertificate: false,
    });
  });

  it('reads SQL Server with Azure default credentials when no user is given', () => {
    expect(parseDatabaseUrl('sqlserver://leaf.database.windows.net/curated?clientId=abc&encrypt=false&trustServerCertificate=1')).toEqual({
      kind: 'mssql',
      server: 'leaf.database.windows.net',
      port: 1433,
      database: 'curated',
      authentication: 'azure-default',
      clientId: 'abc',
      encrypt: false,
      trustServerCertificate: true,
    });
  });

  it.each([
    ['an unknown scheme', `mysql://root:${secret}@host/db`],
    ['a missing database', `mssql://sa:${secret}@host:1433/`],
    ['sql authentication without a password', 'mssql://sa@host:1433/db'],
    ['a bad boolean', `mssql://sa:${secret}@host/db?encrypt=maybe`],
    ['a bad pool size', `postgres://u:${secret}@host/db?poolSize=-1`],
    ['an unknown authentication', `mssql://sa:${secret}@host/db?authentication=kerberos`],
    ['an empty pglite location', 'pglite:'],
    ['a malformed URL', `postgres://u:${secret}@[bad/db`],
  ])('rejects %s with a typed error that never shows the password', (_case, url) => {
    const error = errorOf(() => parseDatabaseUrl(url));
    expect(isPersistenceError(error)).toBe(true);
    expect(['PERSISTENCE_URL_INVALID', 'PERSISTENCE_CONFIG_INVALID']).toContain((error as unknown as { code: string }).code);
    const visible = `${error.message} ${String((error as { cause?: unknown }).cause ?? '')} ${JSON.stringify(error)}`;
    expect(visible).not.toContain(secret);
    expect(visible).not.toContain(encodeURIComponent(secret));
  });

  it('shows the redacted URL so the operator can see which setting is wrong', () => {
    const error = errorOf(() => parseDatabaseUrl(`mssql://sa:${secret}@host:1433/`));
    expect(error.message).toContain('mssql://sa:***@host:1433/');
  });
});

describe('parseDatabaseConfig', () => {
  it('applies SQL Server defaults', () => {
    expect(parseDatabaseConfig({ kind: 'mssql', server: 's', database: 'd', authentication: 'azure-default' })).toMatchObject({
      port: 1433,
      encrypt: true,
      trustServerCertificate: false,
    });
  });

  it('names the invalid setting without echoing values', () => {
    const error = errorOf(() => parseDatabaseConfig({ kind: 'mssql', server: 's', database: 'd', authentication: 'azure-default', password: secret }));
    expect(isPersistenceError(error, 'PERSISTENCE_CONFIG_INVALID')).toBe(true);
    expect(error.message).toContain('password');
    expect(error.message).not.toContain(secret);
    expect(String((error as { cause?: unknown }).cause)).not.toContain(secret);
  });

  it('rejects settings that belong to another kind', () => {
    expect(() => parseDatabaseConfig({ kind: 'pglite', url: 'postgres://x/y' })).toThrow(/url/);
  });
});
