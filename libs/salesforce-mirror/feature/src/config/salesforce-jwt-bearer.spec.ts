import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPrivateKey } from 'node:crypto';
import { Connection, OAuth2 } from 'jsforce';
import { loadServiceConfig, type Env } from '@leaf/platform';
import { JWT_BEARER_GRANT, jwtBearerAssertion, type JsforceSalesforceSource } from '@leaf/salesforce-mirror/data-access';
import { createConnectedAppKeyPair, FakeSalesforceServer, type ConnectedAppKeyPair } from '@leaf/testing';
import { salesforceMirrorService, salesforceSource } from '../salesforce-mirror.service';

/**
 * The OAuth 2.0 JWT bearer flow end to end: settings → jsforce → the fake org's token endpoint,
 * which verifies the RS256 assertion against the connected app's certificate and answers bad
 * ones with Salesforce's own error bodies.
 */
describe('salesforce-mirror JWT bearer flow', () => {
  let fake: FakeSalesforceServer;
  let app: ConnectedAppKeyPair;
  let stranger: ConnectedAppKeyPair;
  const dir = mkdtempSync(join(tmpdir(), 'leaf-sf-jwt-'));

  beforeAll(async () => {
    [app, stranger] = await Promise.all([createConnectedAppKeyPair(), createConnectedAppKeyPair('someone-else')]);
    fake = await FakeSalesforceServer.start({ requests: 5, jwtCertificate: app.certificate, username: 'mirror@leaf.example' });
  });
  afterAll(async () => {
    await fake?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const settings = (extra: Env = {}): Env => ({
    LEAF_DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
    LEAF_SALESFORCE_LOGIN_URL: fake.url,
    LEAF_SALESFORCE_CLIENT_ID: fake.clientId,
    LEAF_SALESFORCE_AUTH_FLOW: 'jwt-bearer',
    LEAF_SALESFORCE_USERNAME: 'mirror@leaf.example',
    LEAF_SALESFORCE_PRIVATE_KEY: app.privateKey,
    ...extra,
  });
  const sourceOf = (env: Env) => salesforceSource(loadServiceConfig(salesforceMirrorService, env)) as JsforceSalesforceSource;
  const tokenCall = (form: Record<string, string>) =>
    fetch(`${fake.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });

  it('signs in with an assertion signed by the key from the settings and reads the org', async () => {
    const source = sourceOf(settings());
    expect(source.flow).toBe('jwt-bearer');
    expect(await source.count('IT_Request__c')).toBe(5);
    // The token request carried the grant and no consumer secret.
    expect(fake.requests.filter((r) => r.path === '/services/oauth2/token')).toHaveLength(1);
  });

  it('reads the key from a mounted file too', async () => {
    const file = join(dir, 'salesforce-key.pem');
    writeFileSync(file, app.privateKey);
    expect(await sourceOf(settings({ LEAF_SALESFORCE_PRIVATE_KEY: undefined, LEAF_SALESFORCE_PRIVATE_KEY_FILE: file })).count('IT_Request__c')).toBe(5);
  });

  it('answers a well-formed assertion with a session jsforce can use, and bad ones with invalid_grant', async () => {
    const key = createPrivateKey(app.privateKey);
    const claims = { clientId: fake.clientId, username: 'mirror@leaf.example', audience: fake.url };
    const ok = await tokenCall({ grant_type: JWT_BEARER_GRANT, assertion: jwtBearerAssertion(claims, key) });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ access_token: expect.any(String), instance_url: fake.url, token_type: 'Bearer', scope: 'api' });

    const refused = async (assertion: string) => {
      const res = await tokenCall({ grant_type: JWT_BEARER_GRANT, assertion });
      return [res.status, await res.json()];
    };
    const grant = (description: string) => [400, { error: 'invalid_grant', error_description: description }];
    expect(await refused(jwtBearerAssertion(claims, key, Date.now() - 10 * 60_000))).toEqual(grant('expired authorization code'));
    expect(await refused(jwtBearerAssertion(claims, createPrivateKey(stranger.privateKey)))).toEqual(grant('invalid assertion'));
    expect(await refused(jwtBearerAssertion({ ...claims, audience: 'https://login.salesforce.com' }, key))).toEqual(grant('audience is invalid'));
    expect(await refused(jwtBearerAssertion({ ...claims, username: 'someone@leaf.example' }, key))).toEqual(grant("user hasn't approved this consumer"));
    // A valid signature over other claims: one byte of the payload changed.
    const [h, p, s] = jwtBearerAssertion(claims, key).split('.');
    const tampered = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), sub: 'admin@leaf.example' })).toString('base64url');
    expect(await refused(`${h}.${tampered}.${s}`)).toEqual(grant('invalid assertion'));
    expect(await refused('not-a-jwt')).toEqual(grant('invalid assertion'));
    expect(await refused(jwtBearerAssertion({ ...claims, clientId: '3MVG9unknown' }, key))).toEqual([
      400,
      { error: 'invalid_client_id', error_description: 'client identifier invalid' },
    ]);

    // jsforce surfaces the error as Salesforce names it.
    const conn = new Connection({ oauth2: new OAuth2({ loginUrl: fake.url }) });
    await expect(conn.authorize({ grant_type: JWT_BEARER_GRANT, assertion: jwtBearerAssertion(claims, key, Date.now() - 10 * 60_000) })).rejects.toMatchObject({
      name: 'invalid_grant',
      message: 'expired authorization code',
    });
  });

  it('refuses to sync with a key the connected app does not hold, a user it has not approved or the wrong audience, naming the reason and never the key', async () => {
    const failures = [
      [settings({ LEAF_SALESFORCE_PRIVATE_KEY: stranger.privateKey }), 'invalid assertion'],
      [settings({ LEAF_SALESFORCE_USERNAME: 'nobody@leaf.example' }), "user hasn't approved this consumer"],
      [settings({ LEAF_SALESFORCE_JWT_AUDIENCE: 'https://test.salesforce.com' }), 'audience is invalid'],
    ] as const;
    for (const [env, reason] of failures) {
      const error = (await sourceOf(env)
        .count('IT_Request__c')
        .catch((e: unknown) => e)) as Error & { code?: string };
      expect([error.name, error.code, error.message]).toEqual(['SalesforceSourceError', 'SALESFORCE_AUTH_FAILED', `jwt-bearer token refused: ${reason}`]);
      expect(JSON.stringify({ message: error.message, stack: error.stack })).not.toContain('PRIVATE KEY');
    }
  });

  it('refuses incomplete or unreadable settings at start without echoing the key or its path', () => {
    const message = (env: Env) => {
      try {
        sourceOf(env);
        return 'accepted';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(message(settings({ LEAF_SALESFORCE_PRIVATE_KEY: undefined }))).toMatch(
      /exactly one of LEAF_SALESFORCE_PRIVATE_KEY or LEAF_SALESFORCE_PRIVATE_KEY_FILE/,
    );
    expect(message(settings({ LEAF_SALESFORCE_PRIVATE_KEY_FILE: join(dir, 'k.pem') }))).toMatch(/exactly one of/);
    expect(message(settings({ LEAF_SALESFORCE_USERNAME: undefined }))).toMatch(/LEAF_SALESFORCE_USERNAME: is required/);
    const missingFile = message(
      settings({ LEAF_SALESFORCE_PRIVATE_KEY: undefined, LEAF_SALESFORCE_PRIVATE_KEY_FILE: join(dir, 'secret-mount', 'absent.pem') }),
    );
    expect(missingFile).toBe('LEAF_SALESFORCE_PRIVATE_KEY_FILE cannot be read (ENOENT)');
    const garbage = 'not a key at all, but a secret-looking value';
    const notPem = message(settings({ LEAF_SALESFORCE_PRIVATE_KEY: garbage }));
    expect(notPem).toBe('the JWT bearer private key is not a readable PEM private key');
    // The client-credentials flow still needs its secret, and only it.
    expect(message(settings({ LEAF_SALESFORCE_AUTH_FLOW: 'client-credentials' }))).toMatch(/LEAF_SALESFORCE_CLIENT_SECRET: is required/);
    expect(message(settings({ LEAF_SALESFORCE_AUTH_FLOW: 'nope' }))).not.toContain(app.privateKey.slice(40, 80));
  });
});
