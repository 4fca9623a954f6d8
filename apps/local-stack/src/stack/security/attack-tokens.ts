import { createHmac, generateKeyPairSync } from 'node:crypto';
import { devAudience, devIssuer, type DevIssuerKeys } from '@leaf/gateway/feature';
import { devInternalIdentityKey, internalIdentityKeyBytes, signIdentityToken } from '@leaf/platform';
import { SignJWT } from 'jose';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Claims of an admin of every client: what each forged token below tries to be. */
const admin = { roles: ['admin'], leaf_clients: '*' };

/**
 * Tokens an attacker might try, each with the reason code the gateway logs for it. All must be a
 * 401; none may be echoed anywhere.
 */
export async function attackTokens(keys: DevIssuerKeys): Promise<Array<{ name: string; header: Record<string, string>; reason: string }>> {
  const now = Math.floor(Date.now() / 1000);
  const sign = (build: (jwt: SignJWT) => SignJWT, privateKey = keys.privateKey, claims: Record<string, unknown> = admin) =>
    build(new SignJWT(claims).setProtectedHeader({ alg: 'EdDSA', kid: keys.kid }).setIssuer(devIssuer).setAudience(devAudience).setSubject('mallory')).sign(
      privateKey,
    );
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  const payload = { iss: devIssuer, aud: devAudience, sub: 'mallory', exp: now + 600, ...admin };
  const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
  // HS256 "signed" with the issuer's public key: the classic algorithm confusion.
  const publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const confusedHead = `${b64({ alg: 'HS256', typ: 'JWT', kid: keys.kid })}.${b64(payload)}`;
  const confused = `${confusedHead}.${createHmac('sha256', publicPem).update(confusedHead).digest('base64url')}`;
  const stranger = generateKeyPairSync('ed25519').privateKey;
  // The internal identity token, signed with the well-known local key, presented as a bearer token.
  const internal = signIdentityToken({ subject: 'mallory', roles: ['admin'], clientIds: '*', issuer: 'dev' }, internalIdentityKeyBytes(devInternalIdentityKey));

  return [
    { name: 'no token', header: {}, reason: 'missing' },
    { name: 'garbage', header: bearer('abc.def.ghi'), reason: 'malformed-token' },
    { name: 'Basic credentials', header: { authorization: 'Basic YWRtaW46YWRtaW4=' }, reason: 'malformed-header' },
    { name: 'token in a query-like header value', header: { authorization: 'Bearer a b c' }, reason: 'malformed-header' },
    { name: 'alg none', header: bearer(none), reason: 'algorithm-not-allowed' },
    { name: 'HS256 keyed with the public key', header: bearer(confused), reason: 'algorithm-not-allowed' },
    { name: 'expired', header: bearer(await sign((j) => j.setIssuedAt(now - 7200).setExpirationTime(now - 3600))), reason: 'expired' },
    { name: 'not yet valid', header: bearer(await sign((j) => j.setNotBefore(now + 3600).setExpirationTime(now + 7200))), reason: 'not-yet-valid' },
    { name: 'wrong audience', header: bearer(await sign((j) => j.setAudience('another-api').setExpirationTime('5m'))), reason: 'wrong-audience' },
    { name: 'unknown issuer', header: bearer(await sign((j) => j.setIssuer('https://evil.example/').setExpirationTime('5m'))), reason: 'unknown-issuer' },
    { name: 'foreign signing key', header: bearer(await sign((j) => j.setExpirationTime('5m'), stranger)), reason: 'bad-signature' },
    { name: 'no expiry', header: bearer(await sign((j) => j)), reason: 'missing-claim' },
    { name: 'internal identity token as bearer', header: bearer(internal), reason: 'unknown-issuer' },
    { name: 'forged x-leaf-identity alone', header: { 'x-leaf-identity': internal }, reason: 'missing' },
  ];
}
