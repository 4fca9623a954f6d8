import { z } from 'zod';
import { isConfigError } from './config.error';
import { loadConfig } from './load-config';
import { devInternalIdentityKey } from '../auth/internal-identity-key';
import { platformConfigProblems, platformConfigSchema } from './platform-config';

describe('loadConfig', () => {
  it('fills defaults for a local run with an empty environment', () => {
    const config = loadConfig(platformConfigSchema, {});
    expect(config.LEAF_ENV).toBe('local');
    expect(config.LEAF_DATABASE_URL).toBe('pglite:.data/pglite');
    expect(config.LEAF_SHUTDOWN_GRACE_MS).toBe(25_000);
  });

  it('coerces numbers and rejects a malformed one naming the setting', () => {
    expect(loadConfig(platformConfigSchema, { PORT: '8080' }).PORT).toBe(8080);
    expect(() => loadConfig(platformConfigSchema, { PORT: 'eighty' })).toThrow(/PORT: must be a number/);
  });

  it('names every bad setting and never echoes a secret value', () => {
    const secretUrl = 'mysql://admin:hunter2@db/claims';
    try {
      loadConfig(platformConfigSchema, { LEAF_DATABASE_URL: secretUrl, LEAF_TELEMETRY: 'loud' });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(isConfigError(e)).toBe(true);
      const message = (e as Error).message;
      expect(message).toContain('LEAF_DATABASE_URL');
      expect(message).toContain('LEAF_TELEMETRY');
      expect(message).not.toContain('hunter2');
    }
  });

  it('refuses a SQL Server operational store, naming the setting and never echoing the URL', () => {
    const url = 'mssql://leaf:Pa55word@leaf.database.windows.net/leaf';
    expect(() => loadConfig(platformConfigSchema, { LEAF_DATABASE_URL: url })).toThrow(/LEAF_DATABASE_URL: operational state lives in PostgreSQL/);
    expect(() => loadConfig(platformConfigSchema, { LEAF_DATABASE_URL: url })).not.toThrow(/Pa55word/);
    expect(() => loadConfig(platformConfigSchema, { LEAF_DATABASE_URL: 'mysql://db/leaf' })).toThrow(
      /LEAF_DATABASE_URL: must start with one of pglite:, postgres:, postgresql:/,
    );
    expect(loadConfig(platformConfigSchema, { LEAF_DATABASE_URL: 'postgres://leaf@db/leaf?authentication=azure-default' }).LEAF_DATABASE_URL).toContain(
      'postgres://',
    );
  });

  it('reports a required setting of an extended schema as required', () => {
    const schema = platformConfigSchema.extend({ LEAF_GRAPH_TENANT_ID: z.string().min(1) });
    expect(() => loadConfig(schema, {})).toThrow('LEAF_GRAPH_TENANT_ID: is required');
  });

  it('requires a non-development internal identity key everywhere but on a laptop (LEAF_ENV=local)', () => {
    const problems = (env: Record<string, string>) => platformConfigProblems(loadConfig(platformConfigSchema, env)).map((p) => `${p.setting}: ${p.problem}`);
    expect(problems({})).toEqual([]);
    expect(problems({ LEAF_ENV: 'local' })).toEqual([]);
    // test runs on AKS like the others: the well-known key would let anything in the cluster forge an admin.
    expect(problems({ LEAF_ENV: 'test' })).toEqual(['LEAF_INTERNAL_IDENTITY_KEY: is required when LEAF_ENV=test']);
    expect(problems({ LEAF_ENV: 'test', LEAF_INTERNAL_IDENTITY_KEY: devInternalIdentityKey })).toEqual([
      'LEAF_INTERNAL_IDENTITY_KEY: must not be the well-known development key when LEAF_ENV=test',
    ]);
    expect(problems({ LEAF_ENV: 'dev' })).toEqual(['LEAF_INTERNAL_IDENTITY_KEY: is required when LEAF_ENV=dev']);
    expect(problems({ LEAF_ENV: 'prod' })).toEqual(['LEAF_INTERNAL_IDENTITY_KEY: is required when LEAF_ENV=prod']);
    expect(problems({ LEAF_ENV: 'staging', LEAF_INTERNAL_IDENTITY_KEY: devInternalIdentityKey })).toEqual([
      'LEAF_INTERNAL_IDENTITY_KEY: must not be the well-known development key when LEAF_ENV=staging',
    ]);
    expect(problems({ LEAF_ENV: 'prod', LEAF_INTERNAL_IDENTITY_KEY: 'k'.repeat(48) })).toEqual([]);
    expect(() => loadConfig(platformConfigSchema, { LEAF_INTERNAL_IDENTITY_KEY: 'short-secret' })).toThrow(
      /LEAF_INTERNAL_IDENTITY_KEY: must be at least 32 characters/,
    );
    expect(() => loadConfig(platformConfigSchema, { LEAF_INTERNAL_IDENTITY_KEY: 'short-secret' })).not.toThrow(/short-secret/);
  });
});
