import { generate } from 'selfsigned';

export interface ConnectedAppKeyPair {
  /** PKCS#8 PEM: what the integration signs its JWT bearer assertions with (a Key Vault secret in production). */
  readonly privateKey: string;
  /** The X.509 certificate (PEM) uploaded to the connected app ("Use digital signatures"). */
  readonly certificate: string;
}

/** A fresh RSA 2048 key and its self-signed certificate, as `openssl req -x509` makes for a connected app. */
export async function createConnectedAppKeyPair(commonName = 'leaf-salesforce-mirror'): Promise<ConnectedAppKeyPair> {
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'rsa',
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 365 * 86_400_000),
  });
  return { privateKey: pems.private, certificate: pems.cert };
}
