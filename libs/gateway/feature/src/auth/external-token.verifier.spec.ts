import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { devAudience, devIssuer, loadOrCreateDevIssuerKeys, mintDevToken } from './dev-issuer';
import { ExternalTokenVerifier, remoteKeys, type TrustedIssuer } from './external-token.verifier';
import { GatewayAuthenticator } from './gateway.authenticator';

type Keys = Awaited<ReturnType<typeof generateKeyPair>>;

/** A tenant's JWKS endpoint as Entra / Cloudflare serve it; counts fetches and can rotate. */
async function jwksServer(): Promise<{ url: string; publish(keys: JWK[]): void; fetches(): number; close(): Promise<void> }> {
  let published: JWK[] = [];
  let fetches = 0;
  const server: Server = createServer((_req, res) => {
    fetches++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/discovery/v2.0/keys`,
    publish: (keys) => (published = keys),
    fetches: () => fetches,
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

const tenant = '11111111-2222-3333-4444-555555555555';
const entraIssuer = `https://login.microsoftonline.com/${tenant}/v2.0`;
const audience = 'api://leaf-platform';
const cfTeam = 'https://leaf-team.cloudflareaccess.com';
const cfAud = '4714c1358e65fe4b408ad6d432a5f878f08194bdb4752441fd56faefa9b2b6f2';

describe('external token verification (Entra ID, Cloudflare Access, dev issuer)', () => {
  let jwks: Awaited<ReturnType<typeof jwksServer>>;
  let keyA: Keys;
  let keyB: Keys;
  let verifier: ExternalTokenVerifier;
  const devDir = mkdtempSync(join(tmpdir(), 'leaf-dev-issuer-'));
  const jwk = async (k: Keys, kid: string): Promise<JWK> => ({ ...(await exportJWK(k.publicKey)), kid, alg: 'RS256', use: 'sig' });

  beforeAll(async () => {
    jwks = await jwksServer();
    keyA = await generateKeyPair('RS256', { extractable: true });
    keyB = await generateKeyPair('RS256', { extractable: true });
    jwks.publish([await jwk(keyA, 'key-a')]);
    const issuers: TrustedIssuer[] = [
      { kind: 'entra', issuer: entraIssuer, audience, algorithms: ['RS256'], keys: remoteKeys(jwks.url, 0) },
      { kind: 'cloudflare-access', issuer: cfTeam, audience: cfAud, algorithms: ['RS256'], keys: remoteKeys(jwks.url, 0) },
      { kind: 'dev', issuer: devIssuer, audience: devAudience, algorithms: ['EdDSA'], keys: loadOrCreateDevIssuerKeys(devDir).publicKey },
    ];
    verifier = new ExternalTokenVerifier(issuers, { roles: { 'grp-ops': ['operator'] }, clients: { 'grp-harbor': ['harbor-valley-sd'], 'grp-all': '*' } }, 0);
  });
  afterAll(async () => {
    await jwks.close();
    rmSync(devDir, { recursive: true, force: true });
  });

  const entraToken = (key: Keys, kid: string, claims: Record<string, unknown> = {}, set: (j: SignJWT) => SignJWT = (j) => j) =>
    set(
      new SignJWT({ oid: 'oid-ana', roles: ['Leaf.Analyst'], leaf_clients: ['acme-health'], ...claims })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer(entraIssuer)
        .setAudience(audience)
        .setSubject('pairwise-sub')
        .setIssuedAt()
        .setExpirationTime('10m'),
    ).sign(key.privateKey);

  it('maps a valid Entra token: app roles (Leaf.* prefix), leaf_clients, oid as subject', async () => {
    expect(await verifier.verify(await entraToken(keyA, 'key-a'))).toEqual({
      identity: { subject: 'oid-ana', roles: ['analyst'], clientIds: ['acme-health'], issuer: 'entra' },
    });
    expect(
      await verifier.verify(
        await entraToken(keyA, 'key-a', { roles: undefined, scp: 'Leaf.Reader User.Read', leaf_clients: undefined, groups: ['grp-harbor', 'grp-ops'] }),
      ),
    ).toEqual({
      identity: { subject: 'oid-ana', roles: expect.arrayContaining(['reader', 'operator']), clientIds: ['harbor-valley-sd'], issuer: 'entra' },
    });
  });

  it('rejects a wrong audience, a wrong issuer, an expired and a not-yet-valid token', async () => {
    expect(await verifier.verify(await entraToken(keyA, 'key-a', {}, (j) => j.setAudience('api://someone-else')))).toEqual({
      failure: 'invalid',
      reason: 'wrong-audience',
      issuer: 'entra',
    });
    expect(await verifier.verify(await entraToken(keyA, 'key-a', {}, (j) => j.setIssuer('https://login.microsoftonline.com/other-tenant/v2.0')))).toEqual({
      failure: 'unknown-issuer',
      reason: 'unknown-issuer',
    });
    // Right issuer name, but the Cloudflare issuer's audience: issuer and audience are checked together.
    expect(await verifier.verify(await entraToken(keyA, 'key-a', {}, (j) => j.setIssuer(cfTeam)))).toEqual({
      failure: 'invalid',
      reason: 'wrong-audience',
      issuer: 'cloudflare-access',
    });
    const now = Math.floor(Date.now() / 1000);
    expect(await verifier.verify(await entraToken(keyA, 'key-a', {}, (j) => j.setIssuedAt(now - 7200).setExpirationTime(now - 3600)))).toEqual({
      failure: 'invalid',
      reason: 'expired',
      issuer: 'entra',
    });
    expect(await verifier.verify(await entraToken(keyA, 'key-a', {}, (j) => j.setNotBefore(now + 3600)))).toEqual({
      failure: 'invalid',
      reason: 'not-yet-valid',
      issuer: 'entra',
    });
  });

  it('rejects alg none, an HS256 token keyed with the public key, a key the tenant does not publish, and a token without a role', async () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const claims = { iss: entraIssuer, aud: audience, oid: 'x', roles: ['Leaf.Admin'], leaf_clients: '*', exp: Math.floor(Date.now() / 1000) + 600 };
    expect(await verifier.verify(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`)).toEqual({
      failure: 'invalid',
      reason: 'algorithm-not-allowed',
      issuer: 'entra',
    });
    const publicBytes = new TextEncoder().encode(JSON.stringify(await exportJWK(keyA.publicKey)));
    const confused = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: 'key-a' }).sign(publicBytes);
    expect(await verifier.verify(confused)).toEqual({ failure: 'invalid', reason: 'algorithm-not-allowed', issuer: 'entra' });
    const stranger = await generateKeyPair('RS256');
    expect(await verifier.verify(await entraToken(stranger, 'key-a'))).toEqual({ failure: 'invalid', reason: 'bad-signature', issuer: 'entra' });
    expect(await verifier.verify(await entraToken(keyA, 'key-a', { roles: ['User.Impersonate'] }))).toEqual({
      failure: 'no-role',
      reason: 'no-role',
      issuer: 'entra',
    });
    expect(await verifier.verify('not.a.jwt')).toEqual({ failure: 'malformed', reason: 'malformed-token' });
  });

  it('fetches the JWKS again when a token names a new kid (the tenant rotated its key)', async () => {
    const before = jwks.fetches();
    jwks.publish([await jwk(keyB, 'key-b')]);
    expect(await verifier.verify(await entraToken(keyB, 'key-b', { oid: 'after-rotation' }))).toMatchObject({ identity: { subject: 'after-rotation' } });
    expect(jwks.fetches()).toBeGreaterThan(before);
    // The retired key's new tokens no longer verify once the tenant stopped publishing it.
    expect(await verifier.verify(await entraToken(keyA, 'key-a', { oid: 'retired' }))).toEqual({ failure: 'invalid', reason: 'unknown-key', issuer: 'entra' });
  });

  it('takes Cloudflare Access tokens from Cf-Access-Jwt-Assertion, mapping IdP groups under custom', async () => {
    jwks.publish([await jwk(keyA, 'key-a')]);
    const cf = await new SignJWT({ email: 'ops@example.org', type: 'app', custom: { groups: ['grp-ops', 'grp-all'] } })
      .setProtectedHeader({ alg: 'RS256', kid: 'key-a' })
      .setIssuer(cfTeam)
      .setAudience([cfAud])
      .setSubject('cf-user-id')
      .setExpirationTime('5m')
      .sign(keyA.privateKey);
    const authenticator = new GatewayAuthenticator(verifier);
    const request = (headers: Record<string, string>) => ({ headers }) as unknown as FastifyRequest;
    await expect(authenticator.authenticate(request({ 'cf-access-jwt-assertion': cf }))).resolves.toEqual({
      subject: 'ops@example.org',
      roles: ['operator'],
      clientIds: '*',
      issuer: 'cloudflare-access',
    });
    // The assertion header carries Cloudflare tokens only: an Entra token there is refused.
    await expect(authenticator.authenticate(request({ 'cf-access-jwt-assertion': await entraToken(keyA, 'key-a') }))).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    await expect(authenticator.authenticate(request({}))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(authenticator.authenticate(request({ authorization: `Basic ${cf}` }))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(
      authenticator.authenticate(request({ authorization: `Bearer ${await entraToken(keyA, 'key-a', { roles: ['nothing'] })}` })),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // A forged internal identity header is not a credential at the gateway.
    await expect(authenticator.authenticate(request({ 'x-leaf-identity': 'anything' }))).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('accepts dev-issuer tokens minted from the key pair on disk, and a second load reuses the same pair', async () => {
    const keys = loadOrCreateDevIssuerKeys(devDir);
    const token = await mintDevToken(keys, { subject: 'dev-user', roles: ['analyst'], clients: ['harbor-valley-sd'] });
    expect(await verifier.verify(token)).toEqual({ identity: { subject: 'dev-user', roles: ['analyst'], clientIds: ['harbor-valley-sd'], issuer: 'dev' } });
    const otherDir = mkdtempSync(join(tmpdir(), 'leaf-dev-issuer-'));
    try {
      const foreign = await mintDevToken(loadOrCreateDevIssuerKeys(otherDir), { subject: 'x', roles: ['admin'], clients: '*' });
      expect(await verifier.verify(foreign)).toEqual({ failure: 'invalid', reason: 'bad-signature', issuer: 'dev' });
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
  });
});
