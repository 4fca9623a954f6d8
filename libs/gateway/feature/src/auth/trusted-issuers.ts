import type { GatewayConfig } from '../gateway.config';
import { devAudience, devIssuer, loadOrCreateDevIssuerKeys } from './dev-issuer';
import { remoteKeys, type TrustedIssuer } from './external-token.verifier';

/** The issuers the config enables, with their key sources. */
export function trustedIssuers(config: GatewayConfig): TrustedIssuer[] {
  return config.LEAF_AUTH_ISSUERS.map((kind): TrustedIssuer => {
    switch (kind) {
      case 'dev':
        return { kind, issuer: devIssuer, audience: devAudience, algorithms: ['EdDSA'], keys: loadOrCreateDevIssuerKeys(config.LEAF_DEV_ISSUER_DIR).publicKey };
      case 'entra': {
        const tenant = config.LEAF_ENTRA_TENANT_ID as string;
        return {
          kind,
          issuer: config.LEAF_ENTRA_ISSUER ?? `https://login.microsoftonline.com/${tenant}/v2.0`,
          audience: config.LEAF_ENTRA_AUDIENCE as string,
          algorithms: ['RS256'],
          keys: remoteKeys(config.LEAF_ENTRA_JWKS_URL ?? `https://login.microsoftonline.com/${tenant}/discovery/v2.0/keys`, config.LEAF_JWKS_COOLDOWN_MS),
        };
      }
      case 'cloudflare-access': {
        const team = (config.LEAF_CF_ACCESS_TEAM_DOMAIN as string).replace(/\/$/, '');
        return {
          kind,
          issuer: team,
          audience: config.LEAF_CF_ACCESS_AUD as string,
          algorithms: ['RS256'],
          keys: remoteKeys(config.LEAF_CF_ACCESS_CERTS_URL ?? `${team}/cdn-cgi/access/certs`, config.LEAF_JWKS_COOLDOWN_MS),
        };
      }
    }
  });
}
