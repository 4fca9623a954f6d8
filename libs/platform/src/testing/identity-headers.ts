import { identityHeader, type Identity } from '@leaf/contracts';
import { signIdentityToken } from '../auth/identity-token';
import { internalIdentityKeyBytes } from '../auth/internal-identity-key';

export type TestIdentity = Partial<Identity> & Pick<Identity, 'clientIds'>;

/** The identity a test caller gets unless it says otherwise: a reader from the dev issuer. */
export const testIdentity = (identity: TestIdentity): Identity => ({ subject: 'test-user', roles: ['reader'], issuer: 'dev', ...identity });

/**
 * `{ 'x-leaf-identity': token }` signed with the development key, as the gateway would forward it,
 * so a service spec can call its routes as any caller: `identityHeaders({ clientIds: ['acme'] })`.
 */
export function identityHeaders(identity: TestIdentity): Record<typeof identityHeader, string> {
  return { [identityHeader]: signIdentityToken(testIdentity(identity), internalIdentityKeyBytes(undefined)) };
}
