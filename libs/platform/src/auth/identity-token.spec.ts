import { createHmac } from 'node:crypto';
import type { Identity } from '@leaf/contracts';
import { SignJWT } from 'jose';
import { identityHeaders } from '../testing/identity-headers';
import { IdentitySigner } from './identity-signer';
import { signIdentityToken, verifyIdentityToken } from './identity-token';
import { IdentityVerifier } from './identity-verifier';
import { devInternalIdentityKey, internalIdentityKeyBytes } from './internal-identity-key';

const key = internalIdentityKeyBytes('a-test-key-that-is-long-enough-for-hs256!!');
const analyst: Identity = { subject: 'ana@example.org', roles: ['analyst'], clientIds: ['acme-health'], issuer: 'entra' };
const now = () => Math.floor(Date.now() / 1000);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('internal identity token', () => {
  it('round-trips an identity through sign and verify', async () => {
    await expect(verifyIdentityToken(signIdentityToken(analyst, key), key)).resolves.toEqual({ identity: analyst });
  });

  it('accepts a token jose itself signed with the same claims (the format is standard HS256)', async () => {
    const token = await new SignJWT({ leaf_roles: ['operator'], leaf_clients: '*', leaf_idp: 'service' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('leaf-internal')
      .setAudience('leaf-services')
      .setSubject('service:agent-dispatcher')
      .setExpirationTime('1m')
      .sign(key);
    await expect(verifyIdentityToken(token, key)).resolves.toEqual({
      identity: { subject: 'service:agent-dispatcher', roles: ['operator'], clientIds: '*', issuer: 'service' },
    });
  });

  it('rejects another key, an expired token, a token not yet valid and a tampered payload', async () => {
    expect(await verifyIdentityToken(signIdentityToken(analyst, internalIdentityKeyBytes(devInternalIdentityKey)), key)).toEqual({ failure: 'invalid-token' });
    expect(await verifyIdentityToken(signIdentityToken(analyst, key, now() - 600, 120), key)).toEqual({ failure: 'invalid-token' });
    expect(await verifyIdentityToken(signIdentityToken(analyst, key, now() + 600, 120), key)).toEqual({ failure: 'invalid-token' });
    const [h, , s] = signIdentityToken(analyst, key).split('.');
    const escalated = b64({
      iss: 'leaf-internal',
      aud: 'leaf-services',
      sub: 'ana@example.org',
      exp: now() + 60,
      leaf_roles: ['admin'],
      leaf_clients: '*',
      leaf_idp: 'entra',
    });
    expect(await verifyIdentityToken(`${h}.${escalated}.${s}`, key)).toEqual({ failure: 'invalid-token' });
  });

  it('rejects alg none, a wrong audience and a signed token whose identity is malformed', async () => {
    const claims = { iss: 'leaf-internal', aud: 'leaf-services', sub: 'x', exp: now() + 60, leaf_roles: ['admin'], leaf_clients: '*', leaf_idp: 'dev' };
    expect(await verifyIdentityToken(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`, key)).toEqual({ failure: 'invalid-token' });
    const sign = (payload: unknown) => {
      const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
      return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
    };
    expect(await verifyIdentityToken(sign({ ...claims, aud: 'someone-else' }), key)).toEqual({ failure: 'invalid-token' });
    expect(await verifyIdentityToken(sign({ ...claims, leaf_roles: ['root'] }), key)).toEqual({ failure: 'invalid-identity' });
    expect(await verifyIdentityToken(sign(claims), key)).toEqual({ identity: { subject: 'x', roles: ['admin'], clientIds: '*', issuer: 'dev' } });
  });

  it('IdentitySigner reuses a token per identity and signs service identities for every client', async () => {
    const signer = new IdentitySigner(key);
    const verifier = new IdentityVerifier(key);
    expect(signer.token(analyst)).toBe(signer.token({ ...analyst }));
    expect(signer.token(analyst)).not.toBe(signer.token({ ...analyst, clientIds: ['other'] }));
    const result = await verifier.verify(signer.serviceHeaders('agent-dispatcher')['x-leaf-identity']);
    expect(result).toEqual({ identity: { subject: 'service:agent-dispatcher', roles: ['operator'], clientIds: '*', issuer: 'service' } });
    // The verifier's cache never accepts what the key would not.
    expect(await verifier.verify(signIdentityToken(analyst, internalIdentityKeyBytes(devInternalIdentityKey)))).toEqual({ failure: 'invalid-token' });
  });

  it('identityHeaders signs with the development key', async () => {
    const token = identityHeaders({ clientIds: ['acme-health'], roles: ['operator'] })['x-leaf-identity'];
    await expect(verifyIdentityToken(token, internalIdentityKeyBytes(undefined))).resolves.toEqual({
      identity: { subject: 'test-user', roles: ['operator'], clientIds: ['acme-health'], issuer: 'dev' },
    });
  });
});
