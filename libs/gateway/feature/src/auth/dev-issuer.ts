import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { generateKeyPairSync, createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import type { Role } from '@leaf/contracts';
import { SignJWT } from 'jose';

/** `iss` and `aud` of tokens from the local development issuer (the embedded stack only). */
export const devIssuer = 'leaf-dev-issuer';
export const devAudience = 'leaf-api';
export const devIssuerKeyFileName = 'dev-issuer-ed25519.pem';

export interface DevIssuerKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  kid: string;
}

/** The dev issuer's folder inside a data dir: the local stack and `npm run token --data-dir` both use it. */
export const devIssuerDirOf = (dataDir: string): string => join(dataDir, 'dev-issuer');

/**
 * The dev issuer's Ed25519 key pair, generated on first use and kept in the stack's data dir
 * (git-ignored `.data/`), so no secret is checked in and `npm run token` and the gateway of the
 * same checkout agree without configuration.
 */
export function loadOrCreateDevIssuerKeys(dir: string): DevIssuerKeys {
  const file = join(dir, devIssuerKeyFileName);
  if (!existsSync(file)) createKeyFile(file);
  const privateKey = createPrivateKey(readFileSync(file));
  const publicKey = createPublicKey(privateKey);
  const raw = publicKey.export({ format: 'jwk' }).x ?? '';
  return { privateKey, publicKey, kid: `dev-${raw.slice(0, 16)}` };
}

/**
 * Writes the key beside its final name and links it into place: the file appears whole or not at
 * all (a crash while writing it used to leave an empty key file that no later start could read),
 * and the first of several concurrent creators (the token tool, a second gateway) wins.
 */
function createKeyFile(file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const { privateKey } = generateKeyPairSync('ed25519');
  const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.partial`;
  try {
    writeFileSync(partial, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx', flush: true });
    linkSync(partial, file);
  } catch (e) {
    // Another process created it first: use theirs.
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    rmSync(partial, { force: true });
  }
}

export interface DevTokenRequest {
  subject: string;
  roles: Role[];
  /** `'*'` for every client. */
  clients: string[] | '*';
  ttlSeconds?: number;
}

/** A token the gateway's dev issuer accepts, with the same claims an Entra token maps from. */
export function mintDevToken(keys: DevIssuerKeys, request: DevTokenRequest): Promise<string> {
  return new SignJWT({ roles: request.roles, leaf_clients: request.clients })
    .setProtectedHeader({ alg: 'EdDSA', kid: keys.kid, typ: 'JWT' })
    .setIssuer(devIssuer)
    .setAudience(devAudience)
    .setSubject(request.subject)
    .setIssuedAt()
    .setNotBefore('0s')
    .setExpirationTime(`${request.ttlSeconds ?? 8 * 3600}s`)
    .sign(keys.privateKey);
}
