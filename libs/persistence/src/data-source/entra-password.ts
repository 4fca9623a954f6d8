import type { AccessToken, TokenCredential } from '@azure/identity';
import { PersistenceError } from '../errors/persistence.error';

/** The audience Azure Database for PostgreSQL accepts Entra access tokens for. */
export const postgresEntraScope = 'https://ossrdbms-aad.database.windows.net/.default';

/** A token with less than this left is not handed to a new connection: it could expire mid-handshake. */
export const entraTokenRefreshMarginMs = 5 * 60_000;

/**
 * The `password` of a pg pool signing in with Microsoft Entra ID: `pg` calls it for every new
 * connection, and each gets a token that is valid for at least the refresh margin. Tokens live
 * about an hour; connections outlive them safely because the server checks the token only at
 * sign-in. The token is never logged: errors name the scope, not the credential's answer.
 */
export function entraPasswordProvider(credential: TokenCredential, now: () => number = Date.now): () => Promise<string> {
  let current: AccessToken | undefined;
  return async () => {
    if (current && current.expiresOnTimestamp - entraTokenRefreshMarginMs > now()) return current.token;
    let token: AccessToken | null;
    try {
      token = await credential.getToken(postgresEntraScope);
    } catch (error) {
      throw new PersistenceError('PERSISTENCE_AUTH_FAILED', `Could not get a Microsoft Entra ID token for ${postgresEntraScope}`, { cause: error });
    }
    if (!token) throw new PersistenceError('PERSISTENCE_AUTH_FAILED', `Microsoft Entra ID returned no token for ${postgresEntraScope}`);
    current = token;
    return token.token;
  };
}
