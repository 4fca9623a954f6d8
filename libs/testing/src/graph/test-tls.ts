import { generate } from 'selfsigned';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';

export interface TestTlsIdentity {
  readonly key: string;
  readonly cert: string;
}

/** A throwaway self-signed certificate for 127.0.0.1 and localhost (pure JS, no openssl binary). */
export async function createTestTlsIdentity(): Promise<TestTlsIdentity> {
  const pems = await generate([{ name: 'commonName', value: 'leaf-fake-graph' }], {
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
 * Makes this process's TLS clients (fetch, https, MSAL) trust `cert` on top of the usual roots, the
 * way a corporate CA is trusted, so the real Graph and identity SDKs talk to the fake unmodified.
 * Returns a function restoring the previous roots.
 */
export function trustTestCertificate(cert: string): () => void {
  const previous = getCACertificates('default');
  setDefaultCACertificates([...previous, cert]);
  return () => setDefaultCACertificates(previous);
}
