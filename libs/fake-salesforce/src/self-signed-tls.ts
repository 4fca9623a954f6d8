import { generate } from 'selfsigned';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';

export interface SelfSignedIdentity {
  readonly key: string;
  readonly cert: string;
}

/** A throwaway self-signed certificate for 127.0.0.1 and localhost, valid one day (pure JS, no openssl binary). */
export async function createSelfSignedIdentity(commonName: string): Promise<SelfSignedIdentity> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/**
 * Makes this process's TLS clients (fetch, https, jsforce, MSAL) trust `cert` on top of the usual
 * roots, the way a corporate CA is trusted, so real SDKs talk to a local fake unmodified.
 * Returns a function restoring the previous roots.
 */
export function trustCertificate(cert: string): () => void {
  const previous = getCACertificates('default');
  setDefaultCACertificates([...previous, cert]);
  return () => setDefaultCACertificates(previous);
}
