import { createPrivateKey, createSign, type KeyObject } from 'node:crypto';
import { SalesforceSourceError } from './salesforce-source.error';

/** The OAuth 2.0 JWT bearer grant (RFC 7523) as Salesforce's token endpoint takes it. */
export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export interface JwtBearerClaims {
  /** The connected app's consumer key. */
  clientId: string;
  /** The Salesforce username the integration acts as (pre-authorized for the connected app). */
  username: string;
  /** The authorization server: the login URL (`https://login.salesforce.com`, `https://test.salesforce.com`, a My Domain). */
  audience: string;
}

const b64url = (s: string | Buffer): string => Buffer.from(s).toString('base64url');

/**
 * Reads the connected app's private key (PEM, PKCS#1 or PKCS#8) once. A key that does not parse is
 * refused with a message naming neither the key nor where it came from.
 */
export function loadSigningKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (e) {
    throw new SalesforceSourceError('SALESFORCE_AUTH_FAILED', 'the JWT bearer private key is not a readable PEM private key', { cause: e });
  }
  if (key.asymmetricKeyType !== 'rsa') throw new SalesforceSourceError('SALESFORCE_AUTH_FAILED', 'the JWT bearer private key must be an RSA key (RS256)');
  return key;
}

/**
 * A signed assertion: header `{"alg":"RS256"}`, claims iss (consumer key), sub (username), aud
 * (login URL) and exp (seconds; Salesforce allows at most three minutes ahead, so it is short).
 */
export function jwtBearerAssertion(claims: JwtBearerClaims, key: KeyObject, now = Date.now(), lifetimeSeconds = 180): string {
  const header = b64url(JSON.stringify({ alg: 'RS256' }));
  const payload = b64url(
    JSON.stringify({ iss: claims.clientId, sub: claims.username, aud: claims.audience.replace(/\/+$/, ''), exp: Math.floor(now / 1000) + lifetimeSeconds }),
  );
  const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(key);
  return `${header}.${payload}.${b64url(signature)}`;
}
