import { loadServiceConfig } from '@leaf/platform';
import { gatewayService } from './gateway.service';

const load = (env: Record<string, string>) => loadServiceConfig(gatewayService, { LEAF_DATABASE_URL: 'pglite:memory', ...env });

describe('gateway config', () => {
  it('trusts only the dev issuer by default, with default rate limits', () => {
    const config = load({});
    expect(config.LEAF_AUTH_ISSUERS).toEqual(['dev']);
    expect(config.LEAF_RATE_LIMITS).toEqual({
      read: { limit: 600, windowSeconds: 60 },
      write: { limit: 60, windowSeconds: 60 },
      download: { limit: 120, windowSeconds: 60 },
      mcp: { limit: 300, windowSeconds: 60 },
      work: { limit: 60, windowSeconds: 60 },
      authfail: { limit: 30, windowSeconds: 60 },
    });
    expect(load({}).LEAF_TRUSTED_PROXY_HOPS).toBe(0);
    expect(load({ LEAF_RATE_LIMITS: 'write=5/10' }).LEAF_RATE_LIMITS.write).toEqual({ limit: 5, windowSeconds: 10 });
  });

  it('names the settings an enabled issuer needs, and refuses the dev issuer in deployed environments', () => {
    expect(() => load({ LEAF_AUTH_ISSUERS: 'entra' })).toThrow('LEAF_ENTRA_TENANT_ID: is required; LEAF_ENTRA_AUDIENCE: is required');
    expect(() => load({ LEAF_AUTH_ISSUERS: 'cloudflare-access' })).toThrow(/LEAF_CF_ACCESS_TEAM_DOMAIN: is required/);
    // The default (dev only) is not a choice in production: the setting must be made.
    expect(() => load({ LEAF_ENV: 'prod', LEAF_INTERNAL_IDENTITY_KEY: 'k'.repeat(40) })).toThrow('LEAF_AUTH_ISSUERS: is required');
    expect(() => load({ LEAF_ENV: 'staging', LEAF_INTERNAL_IDENTITY_KEY: 'k'.repeat(40), LEAF_AUTH_ISSUERS: 'dev' })).toThrow(
      /LEAF_AUTH_ISSUERS: must not include dev when LEAF_ENV=staging/,
    );
    // test is deployed to AKS too: only a laptop (local) may trust the dev issuer or the well-known identity key.
    expect(() => load({ LEAF_ENV: 'test', LEAF_INTERNAL_IDENTITY_KEY: 'k'.repeat(40), LEAF_AUTH_ISSUERS: 'dev' })).toThrow(
      /LEAF_AUTH_ISSUERS: must not include dev when LEAF_ENV=test/,
    );
    expect(() =>
      load({ LEAF_ENV: 'test', LEAF_AUTH_ISSUERS: 'entra', LEAF_ENTRA_TENANT_ID: '11111111-2222-3333-4444-555555555555', LEAF_ENTRA_AUDIENCE: 'api://leaf' }),
    ).toThrow('LEAF_INTERNAL_IDENTITY_KEY: is required when LEAF_ENV=test');
    expect(load({ LEAF_ENV: 'local', LEAF_AUTH_ISSUERS: 'dev' }).LEAF_AUTH_ISSUERS).toEqual(['dev']);
    expect(() => load({ LEAF_AUTH_ISSUERS: 'entra,ldap' })).toThrow(/LEAF_AUTH_ISSUERS/);
    const prod = load({
      LEAF_ENV: 'prod',
      LEAF_INTERNAL_IDENTITY_KEY: 'k'.repeat(40),
      LEAF_AUTH_ISSUERS: 'entra,cloudflare-access',
      LEAF_ENTRA_TENANT_ID: '11111111-2222-3333-4444-555555555555',
      LEAF_ENTRA_AUDIENCE: 'api://leaf-platform',
      LEAF_CF_ACCESS_TEAM_DOMAIN: 'https://leaf.cloudflareaccess.com',
      LEAF_CF_ACCESS_AUD: 'aud-tag',
    });
    expect(prod.LEAF_AUTH_ISSUERS).toEqual(['entra', 'cloudflare-access']);
  });

  it('parses group mappings and rejects malformed ones without echoing them', () => {
    expect(load({ LEAF_AUTH_GROUP_CLIENTS: '{"g1":["harbor-valley-sd"],"g2":"*"}' }).LEAF_AUTH_GROUP_CLIENTS).toEqual({ g1: ['harbor-valley-sd'], g2: '*' });
    expect(() => load({ LEAF_AUTH_GROUP_ROLES: '{"g1":["root"]}' })).toThrow(/LEAF_AUTH_GROUP_ROLES/);
    try {
      load({ LEAF_AUTH_GROUP_ROLES: '{not json secret-ish' });
      throw new Error('expected a config error');
    } catch (e) {
      expect((e as Error).message).toMatch(/LEAF_AUTH_GROUP_ROLES: must be JSON/);
      expect((e as Error).message).not.toContain('secret-ish');
    }
    expect(() => load({ LEAF_RATE_LIMITS: 'read=lots' })).toThrow(/LEAF_RATE_LIMITS/);
    expect(() => load({ LEAF_REDIS_URL: 'http://cache:6379' })).toThrow(/LEAF_REDIS_URL: must start with redis/);
  });
});
